/**
 * Starts one of the engine's worker threads (scan, archive, stream, index and restore worker): from the
 * built JavaScript beside this module, or, when the agent runs from the TypeScript sources (tests,
 * `node --import tsx`), from a bundle of the worker's modules made once per process with esbuild
 * (tsx's own compiler) into one CommonJS script whose `require` resolves packages from the source
 * folder. The bundling is asynchronous, so even the first job of a process does not stall the
 * agent's event loop (about 250 ms with the blocking call). Registering tsx inside each worker works
 * too, but costs about a second per job on a busy machine.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type Transferable } from 'node:worker_threads';

export type EngineWorker = 'scan-worker' | 'archive-worker' | 'stream-worker' | 'index-worker' | 'restore-worker';

const bundles = new Map<EngineWorker, Promise<string>>();

export async function startEngineWorker(name: EngineWorker, workerData: unknown, transferList: readonly Transferable[] = []): Promise<Worker> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), { workerData, transferList: [...transferList] });
  return new Worker(await sourceBundle(here, name), { eval: true, workerData, transferList: [...transferList] });
}

function sourceBundle(here: string, name: EngineWorker): Promise<string> {
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
