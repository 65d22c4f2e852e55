/**
 * Runs one backup's archive worker (archive-worker.ts) from the main thread: starts it (from the
 * built JavaScript, or from the TypeScript sources through tsx when the agent runs from them),
 * writes its data batches in order through `onData` and grants it a new batch after each write,
 * relays progress and warnings, and cancels it on abort. The promise settles only once the worker
 * has stopped, so its catalog connection is closed when the caller commits or cleans up.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FloeError } from '../../shared/errors.js';
import type { ArchiveWorkerInput, FromWorker, ToWorker } from './archive-protocol.js';

export interface ArchiveHandlers {
  /** Writes one batch of the stream; the next batch waits for it. */
  onData(data: Buffer): Promise<void>;
  onProgress(files: number, currentFile: string): void;
  onWarning(text: string): void;
  onScanned(entries: number, deleted: number): void;
}

export interface ArchiveResult {
  readonly files: number;
  readonly tarWarnings: readonly string[];
}

/** How long a cancelled worker may take to stop tar and close its catalog connection. */
const STOP_GRACE_MS = 10_000;

/** An error the worker reported, with its code (TAR_FAILED, TAR_FORMAT, ABORTED, …). */
export class ArchiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export function startArchiveWorker(input: ArchiveWorkerInput): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./archive-worker.js', here), { workerData: input });
  return new Worker(sourceBundle(here), { eval: true, workerData: input });
}

let bundled: string | null = null;

/**
 * Running from the TypeScript sources (tests, `node --import tsx`): the worker's modules bundled once
 * per process with esbuild (tsx's own compiler) into one CommonJS script whose `require` resolves
 * packages from the source folder. Registering tsx inside each worker works too, but costs about a
 * second per backup on a busy machine.
 */
function sourceBundle(here: string): string {
  if (bundled !== null) return bundled;
  const require = createRequire(here);
  const esbuild = require('esbuild') as { buildSync(options: object): { outputFiles: Array<{ text: string }> } };
  const entry = fileURLToPath(new URL('./archive-worker.ts', here));
  const output = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
  bundled = `(function (require) {\n${output.outputFiles[0]?.text ?? ''}\n})(require('node:module').createRequire(${JSON.stringify(entry)}));`;
  return bundled;
}

export function runArchive(input: ArchiveWorkerInput, handlers: ArchiveHandlers, signal: AbortSignal): Promise<ArchiveResult> {
  const worker = startArchiveWorker(input);
  const send = (message: ToWorker): void => worker.postMessage(message);
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown = null;
  let outcome: { result: ArchiveResult } | { error: unknown } | null = null;
  let stopTimer: NodeJS.Timeout | null = null;

  const cancel = (): void => {
    send({ type: 'cancel' });
    stopTimer ??= setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
  };
  const onAbort = (): void => cancel();
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', onAbort, { once: true });

  return new Promise<ArchiveResult>((resolve, reject) => {
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'data':
          writes = writes.then(async () => {
            if (writeError !== null) return;
            try {
              await handlers.onData(Buffer.from(message.buffer));
              send({ type: 'credit' });
            } catch (error) {
              writeError = error;
              cancel();
            }
          });
          break;
        case 'progress':
          handlers.onProgress(message.files, message.currentFile);
          break;
        case 'warning':
          handlers.onWarning(message.text);
          break;
        case 'scanned':
          handlers.onScanned(message.entries, message.deleted);
          break;
        case 'done':
          outcome ??= { result: { files: message.files, tarWarnings: message.tarWarnings } };
          void worker.terminate();
          break;
        case 'error':
          outcome ??= { error: new ArchiveError(message.code, message.message) };
          void worker.terminate();
          break;
      }
    });
    worker.once('error', (error) => {
      outcome ??= { error: new FloeError('INTERNAL', `the archive worker failed: ${error.message}`) };
    });
    worker.once('exit', () => {
      signal.removeEventListener('abort', onAbort);
      if (stopTimer) clearTimeout(stopTimer);
      void writes.then(() => {
        if (signal.aborted) return reject(signal.reason as Error);
        if (writeError !== null) return reject(writeError as Error);
        if (outcome === null) return reject(new FloeError('INTERNAL', 'the archive worker stopped without a result'));
        if ('error' in outcome) return reject(outcome.error as Error);
        resolve(outcome.result);
      });
    });
  });
}
