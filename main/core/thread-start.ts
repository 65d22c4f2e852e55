/**
 * Starts one of the console core's worker threads: from the built JavaScript beside this module (the
 * web host's tsc build, the Electron bundle's second entry), or, when the console runs from the
 * TypeScript sources (tests, `node --import tsx`), from a bundle of the worker's modules made once per
 * process with esbuild (tsx's own compiler) into one CommonJS script whose `require` resolves packages
 * from the source folder. The agent starts its engine workers the same way (agent/engine/worker-start.ts);
 * the two folders may not import each other.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export type CoreThread = 'link-thread';

const bundles = new Map<CoreThread, Promise<string>>();

export async function startCoreThread(name: CoreThread): Promise<Worker> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(unpackedPath(fileURLToPath(new URL(`./${name}.js`, here)), existsSync));
  return new Worker(await sourceBundle(here, name), { eval: true });
}

/**
 * In a packaged console the thread's script sits in app.asar, whose files a worker's module loader
 * cannot read: electron-builder.yml unpacks it (and its chunks) beside, into app.asar.unpacked.
 */
export function unpackedPath(path: string, exists: (path: string) => boolean): string {
  const unpacked = path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
  return unpacked !== path && exists(unpacked) ? unpacked : path;
}

function sourceBundle(here: string, name: CoreThread): Promise<string> {
  const known = bundles.get(name);
  if (known) return known;
  const bundle = (async () => {
    const require = createRequire(here);
    const esbuild = require('esbuild') as { build(options: object): Promise<{ outputFiles: Array<{ text: string }> }> };
    const entry = fileURLToPath(new URL(`./${name}.ts`, here));
    const output = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
    return `(function (require) {\n${output.outputFiles[0]?.text ?? ''}\n})(require('node:module').createRequire(${JSON.stringify(entry)}));`;
  })();
  bundles.set(name, bundle);
  bundle.catch(() => bundles.delete(name));
  return bundle;
}
