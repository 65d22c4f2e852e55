/**
 * The restore worker: one per saveset restored, on its own thread, so parsing the stream and writing
 * thousands of files never runs on the agent's socket event loop. It receives the saveset's bytes
 * from the main thread (transferred, under a credit limit), gunzips them when needed and runs
 * safeExtract (policy and caps; big files written directly, everything else by GNU tar).
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { FloeError } from '../../shared/errors.js';
import type { FromRestoreWorker, RestoreWorkerInput, ToRestoreWorker } from './restore-protocol.js';
import { selector } from './restore-selection.js';
import { TarError } from './tar/entry.js';
import { DEFAULT_TAR, seedTarFeatures } from './tar/gnu-tar.js';
import { gunzipCapped } from './tar/gunzip-capped.js';
import { safeExtract } from './tar/safe-extract.js';

const PROGRESS_MS = 200;

const port = parentPort;
if (!port) throw new Error('restore-worker runs as a worker thread only');
const input = workerData as RestoreWorkerInput;
const abort = new AbortController();
const post = (message: FromRestoreWorker): void => port.postMessage(message);

const queue: Array<Buffer | null> = [];
let wake: (() => void) | null = null;
port.on('message', (message: ToRestoreWorker) => {
  if (message.type === 'cancel') abort.abort(new Error('cancelled'));
  else queue.push(message.type === 'data' ? Buffer.from(message.buffer) : null);
  wake?.();
  wake = null;
});

async function* pieces(): AsyncGenerator<Buffer> {
  for (;;) {
    while (queue.length === 0 && !abort.signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
    if (abort.signal.aborted) return;
    const piece = queue.shift() as Buffer | null;
    if (piece === null) return;
    post({ type: 'credit' });
    yield piece;
  }
}

async function main(): Promise<void> {
  seedTarFeatures(input.tarCommand ?? DEFAULT_TAR, input.tarFeatures);
  const raw = Readable.from(pieces(), { objectMode: false, highWaterMark: 4 * 1024 * 1024 });
  const stream = input.compress === 'gzip' ? raw.pipe(gunzipCapped(input.maxInflatedBytes)) : raw;
  raw.on('error', (error) => stream.destroy(error));
  let files = 0;
  let bytes = 0;
  let last = 0;
  try {
    const result = await safeExtract(stream, input.to, {
      select: selector(input.selection),
      signal: abort.signal,
      limits: input.limits,
      keepSpecialBits: input.keepSpecialBits,
      ...(input.tarCommand === undefined ? {} : { tarCommand: input.tarCommand }),
      onEntry: (entry, accepted) => {
        if (!accepted) return;
        files += 1;
        bytes += entry.size;
        const now = Date.now();
        if (now - last < PROGRESS_MS) return;
        last = now;
        post({ type: 'progress', files, bytes, currentFile: `/${entry.path}` });
      },
    });
    post({ type: 'done', result });
  } catch (error) {
    const code = error instanceof TarError || error instanceof FloeError ? error.code : null;
    const result = error instanceof TarError ? (error.result ?? null) : null;
    post({ type: 'error', code, message: error instanceof Error ? error.message : String(error), result });
  }
}

void main();
