/**
 * Runs one saveset's restore worker (restore-worker.ts) from the main thread: starts it (from the
 * built JavaScript, or bundled from the TypeScript sources: worker-start.ts), sends it the
 * saveset's bytes as they come off the media (transferred, at most MAX_IN_FLIGHT pieces ahead),
 * relays progress, and cancels it on abort. Settles only once the worker has stopped, so no file is
 * still being written when the job reports its end.
 */
import type { Worker } from 'node:worker_threads';
import { FloeError, type ErrorCode } from '../../shared/errors.js';
import type { FromRestoreWorker, RestoreWorkerInput, ToRestoreWorker } from './restore-protocol.js';
import { TarError, type ExtractResult, type TarErrorCode } from './tar/entry.js';
import { startEngineWorker } from './worker-start.js';

const MAX_IN_FLIGHT = 8;
/** How long a cancelled worker may take to stop its tar and close its files. */
const STOP_GRACE_MS = 10_000;
const TAR_CODES: ReadonlySet<string> = new Set<TarErrorCode>(['TAR_FORMAT', 'LIMIT', 'TAR_FAILED', 'ABORTED', 'BAD_PATH']);

export interface RestoreHandlers {
  onProgress(files: number, bytes: number, currentFile: string): void;
}

export function startRestoreWorker(input: RestoreWorkerInput): Promise<Worker> {
  return startEngineWorker('restore-worker', input);
}

/** An ArrayBuffer holding exactly `piece`, to transfer (the piece's own when it has one to itself). */
function ownBuffer(piece: Buffer): ArrayBuffer {
  if (piece.byteOffset === 0 && piece.byteLength === piece.buffer.byteLength && piece.buffer instanceof ArrayBuffer) return piece.buffer;
  return new Uint8Array(piece).buffer;
}

/**
 * Restores the stream `source` through a worker. Rejects with the source's own error when reading
 * the media fails, with a TarError (its `result` set when known) when the restore fails.
 */
export async function runRestoreWorker(input: RestoreWorkerInput, source: AsyncIterable<Buffer>, handlers: RestoreHandlers, signal: AbortSignal): Promise<ExtractResult> {
  const worker = await startRestoreWorker(input);
  const send = (message: ToRestoreWorker, transfer: ArrayBuffer[] = []): void => worker.postMessage(message, transfer);
  let credits = MAX_IN_FLIGHT;
  let wake: (() => void) | null = null;
  const nudge = (): void => {
    wake?.();
    wake = null;
  };
  let outcome: { result: ExtractResult } | { error: Error } | null = null;
  let stopTimer: NodeJS.Timeout | null = null;
  const cancel = (): void => {
    send({ type: 'cancel' });
    stopTimer ??= setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
    nudge();
  };
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });

  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message: FromRestoreWorker) => {
      switch (message.type) {
        case 'credit':
          credits += 1;
          nudge();
          break;
        case 'progress':
          handlers.onProgress(message.files, message.bytes, message.currentFile);
          break;
        case 'done':
          outcome ??= { result: message.result };
          void worker.terminate();
          break;
        case 'error': {
          const error = message.code !== null && TAR_CODES.has(message.code) ? new TarError(message.code as TarErrorCode, message.message) : new FloeError((message.code ?? 'INTERNAL') as ErrorCode, message.message);
          if (error instanceof TarError) error.result = message.result ?? undefined;
          outcome ??= { error };
          void worker.terminate();
          break;
        }
      }
      nudge();
    });
    worker.once('error', (error) => {
      outcome ??= { error: new FloeError('INTERNAL', `the restore worker failed: ${error.message}`) };
    });
    worker.once('exit', () => {
      if (stopTimer) clearTimeout(stopTimer);
      signal.removeEventListener('abort', cancel);
      outcome ??= { error: new FloeError('INTERNAL', 'the restore worker stopped without a result') };
      nudge();
      resolve();
    });
  });

  // A media read in progress does not hold up a cancelled or finished restore.
  const halted = new Promise<null>((resolve) => {
    void stopped.then(() => resolve(null));
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
  const pieces = source[Symbol.asyncIterator]();
  let readError: unknown = null;
  try {
    for (;;) {
      const next = await Promise.race([pieces.next(), halted]);
      if (next === null || next.done === true) break;
      while (credits === 0 && outcome === null && !signal.aborted) await new Promise<void>((resolve) => (wake = resolve));
      if (outcome !== null || signal.aborted) break;
      credits -= 1;
      const buffer = ownBuffer(next.value);
      send({ type: 'data', buffer }, [buffer]);
    }
    send({ type: 'end' });
  } catch (error) {
    readError = error;
    cancel();
  } finally {
    // Ends the media reading (its generator unmounts); a read still pending finishes first, unawaited.
    pieces.return?.(undefined).catch(() => undefined);
  }
  await stopped;
  if (readError !== null) throw readError;
  if (signal.aborted) throw signal.reason;
  const settled = outcome as { result: ExtractResult } | { error: Error } | null;
  if (settled === null) throw new FloeError('INTERNAL', 'the restore worker stopped without a result');
  if ('error' in settled) throw settled.error;
  return settled.result;
}
