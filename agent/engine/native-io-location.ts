/**
 * Where the main thread finds Floe's native file reader for the stream worker (native-io.ts): built
 * beside the sources (agent/native/build/Release/) or copied beside the built agent
 * (dist/agent/native/build/Release/) by scripts/build-native.mjs. `FLOE_NATIVE_IO=off` in the
 * agent's environment turns it off (Node's fs calls then read every file).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadNativeIo } from './native-io.js';

export type NativeIoLocation = { readonly path: string } | { readonly path: null; readonly reason: string };

export function nativeIoLocation(env: NodeJS.ProcessEnv = process.env): NativeIoLocation {
  if (env.FLOE_NATIVE_IO === 'off') return { path: null, reason: 'FLOE_NATIVE_IO=off' };
  const path = fileURLToPath(new URL('../native/build/Release/floe_io.node', import.meta.url));
  if (!existsSync(path)) return { path: null, reason: 'native reader not built (npm run build:node builds it)' };
  try {
    loadNativeIo(path); // proves it loads here, so a worker's load failure is not the first sign
  } catch (error) {
    return { path: null, reason: `native reader does not load: ${(error as Error).message}` };
  }
  return { path };
}
