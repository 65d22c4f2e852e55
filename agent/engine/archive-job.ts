/**
 * Runs one backup's data path from the main thread (see archive-protocol.ts): starts the data
 * path's two workers (worker-start.ts) joined by a MessageChannel — stream and index worker for
 * "floe", scan and archive worker for "gnu-tar" — writes the stream's batches in order through
 * `onData` and gives each batch's buffer back with a new credit once written, relays progress and
 * warnings, and cancels both on abort or when either fails. The promise settles only once both
 * have stopped, so the worker's catalog connection is closed when the caller commits or cleans up.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { FloeError } from '../../shared/errors.js';
import type { ArchiveWorkerInput, DataPath, FromWorker, IndexWorkerInput, ScanWorkerInput, StreamWorkerInput, ToWorker } from './archive-protocol.js';
import { acquireWorker, releaseWorker } from './worker-pool.js';
import { startEngineWorker, type EngineWorker } from './worker-start.js';

export interface ArchiveHandlers {
  /**
   * Writes one batch of the stream (with its CRC-32 when the worker derived it); resolves once
   * nothing refers to `data` any more (its memory goes back to the worker).
   */
  onData(data: Buffer, crc: number | undefined): Promise<void>;
  onProgress(files: number, currentFile: string): void;
  onWarning(text: string): void;
  onScanned(entries: number, deleted: number): void;
}

export interface ArchiveResult {
  readonly files: number;
  readonly tarWarnings: readonly string[];
}

/** What the job decides; the ports between the workers are added here. */
export type ArchiveInput = { readonly dataPath: DataPath } & Omit<ScanWorkerInput, 'peer'> & Omit<ArchiveWorkerInput, 'peer'> & Omit<StreamWorkerInput, 'peer'>;

/** How long a cancelled worker may take to stop tar and close its catalog connection. */
const STOP_GRACE_MS = 10_000;

/** An error a worker reported, with its code (TAR_FAILED, TAR_FORMAT, ABORTED, …). */
export class ArchiveError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** The data path's two workers and their inputs, joined by `channel`. */
function workerPair(input: ArchiveInput, channel: MessageChannel): Array<[EngineWorker, unknown, MessageChannel['port1']]> {
  const { saveset, catalogPath, sources, excludes, reference, tarCommand, tarFeatures, batchBytes, maxInFlight } = input;
  const tar = tarCommand === undefined ? {} : { tarCommand };
  if (input.dataPath === 'floe') {
    const stream: StreamWorkerInput = { sources, excludes, reference, ...tar, tarFeatures, batchBytes, maxInFlight, rowBatchesInFlight: input.rowBatchesInFlight, nativeIo: input.nativeIo, peer: channel.port1 };
    const index: IndexWorkerInput = { saveset, catalogPath, peer: channel.port2 };
    return [
      ['stream-worker', stream, channel.port1],
      ['index-worker', index, channel.port2],
    ];
  }
  const scan: ScanWorkerInput = { saveset, catalogPath, sources, excludes, reference, nameBatchesInFlight: input.nameBatchesInFlight, peer: channel.port1 };
  const archive: ArchiveWorkerInput = { compress: input.compress, ...tar, tarFeatures, batchBytes, maxInFlight, peer: channel.port2 };
  return [
    ['scan-worker', scan, channel.port1],
    ['archive-worker', archive, channel.port2],
  ];
}

/** A started worker of the data path: pooled ones get their job as a message and go back to the pool after a clean end. */
interface Running {
  readonly name: EngineWorker;
  readonly worker: Worker;
  readonly pooled: boolean;
  /** Its last word: `done`, `indexed` or `error` (or null until then). */
  ended: FromWorker['type'] | null;
}

async function startPair(input: ArchiveInput, channel: MessageChannel): Promise<Running[]> {
  const pooled = input.dataPath === 'floe';
  const pair = workerPair(input, channel);
  const started = await Promise.allSettled(
    pair.map(async ([name, data, port]): Promise<Running> => {
      if (!pooled) return { name, worker: await startEngineWorker(name, data, [port]), pooled, ended: null };
      const worker = await acquireWorker(name);
      worker.postMessage({ type: 'job', input: data as StreamWorkerInput | IndexWorkerInput } satisfies ToWorker, [port]);
      return { name, worker, pooled, ended: null };
    }),
  );
  const running = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const notStarted = started.find((outcome) => outcome.status === 'rejected');
  if (notStarted) {
    await Promise.all(running.map(({ worker }) => worker.terminate()));
    throw new FloeError('INTERNAL', `a backup worker could not start: ${(notStarted.reason as Error).message}`);
  }
  return running;
}

export async function runArchive(input: ArchiveInput, handlers: ArchiveHandlers, signal: AbortSignal): Promise<ArchiveResult> {
  const channel = new MessageChannel();
  const running = await startPair(input, channel);
  const workers = running.map(({ worker }) => worker);
  let writes: Promise<void> = Promise.resolve();
  let writeError: unknown = null;
  let result: ArchiveResult | null = null;
  let indexed = false;
  let failure: unknown = null;
  let stopTimer: NodeJS.Timeout | null = null;

  const cancel = (): void => {
    for (const worker of workers) worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    stopTimer ??= setTimeout(() => {
      for (const worker of workers) void worker.terminate();
    }, STOP_GRACE_MS);
  };
  const fail = (error: unknown): void => {
    failure ??= error;
    cancel();
  };
  const onAbort = (): void => cancel();
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', onAbort, { once: true });

  const onMessage = (run: Running, message: FromWorker): void => {
    const worker = run.worker;
    switch (message.type) {
      case 'data':
        writes = writes.then(async () => {
          if (writeError !== null) return;
          try {
            await handlers.onData(Buffer.from(message.buffer, 0, message.length), message.crc);
            // The batch's memory goes back for the next one: fresh memory costs a page fault per 4 KiB.
            worker.postMessage({ type: 'credit', buffer: message.buffer } satisfies ToWorker, [message.buffer]);
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
        result = { files: message.files, tarWarnings: message.tarWarnings };
        break;
      case 'indexed':
        indexed = true;
        break;
      case 'error':
        fail(new ArchiveError(message.code, message.message));
        break;
    }
  };

  // Each worker is through once it has said its last word (or exited); a one-shot worker is then
  // terminated, a pooled one goes back to the pool if the whole job ended cleanly.
  const through = running.map(
    (run) =>
      new Promise<void>((resolve) => {
        const onWorkerMessage = (message: FromWorker): void => {
          onMessage(run, message);
          if (message.type === 'done' || message.type === 'indexed' || message.type === 'error') {
            run.ended = message.type;
            finish();
          }
        };
        const onError = (error: Error): void => fail(new FloeError('INTERNAL', `a backup worker failed: ${error.message}`));
        const onExit = (): void => {
          run.ended ??= 'error';
          finish();
        };
        const finish = (): void => {
          run.worker.off('message', onWorkerMessage);
          run.worker.off('error', onError);
          run.worker.off('exit', onExit);
          resolve();
        };
        run.worker.on('message', onWorkerMessage);
        run.worker.on('error', onError);
        run.worker.on('exit', onExit);
      }),
  );

  return Promise.all(through).then(async () => {
    signal.removeEventListener('abort', onAbort);
    if (stopTimer) clearTimeout(stopTimer);
    channel.port1.close();
    channel.port2.close();
    await writes;
    const clean = !signal.aborted && writeError === null && failure === null;
    for (const run of running) {
      if (run.pooled && clean && run.ended !== 'error') releaseWorker(run.name, run.worker);
      else void run.worker.terminate();
    }
    if (signal.aborted) throw signal.reason as Error;
    if (writeError !== null) throw writeError as Error;
    if (failure !== null) throw failure as Error;
    if (result === null || !indexed) throw new FloeError('INTERNAL', 'a backup worker stopped without a result');
    return result;
  });
}
