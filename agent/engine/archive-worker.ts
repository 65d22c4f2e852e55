/**
 * The archive worker (see archive-protocol.ts): feeds the names the scan worker sends to GNU tar,
 * reads tar's stream, parses it in place and computes each file's CRC-32, reports the files'
 * checksums to the scan worker (which writes the index), and sends the stream to the main thread
 * in large transferred batches under a credit limit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { failureMessage, type ArchiveToScan, type ArchiveWorkerInput, type FromWorker, type ScanToArchive, type ToWorker } from './archive-protocol.js';
import { DEFAULT_TAR, seedTarFeatures } from './tar/gnu-tar.js';
import { spawnTarCreate } from './tar/tar-create.js';
import { TarIndexer } from './tar/tar-indexer.js';
import { TarParser } from './tar/tar-parser.js';
import type { TarEntry } from './tar/entry.js';

const PROGRESS_MS = 200;
/** Archived files are reported to the scan worker in batches of this many. */
const ENTRIES_PER_REPORT = 256;

const port = parentPort;
if (!port) throw new Error('archive-worker runs as a worker thread only');
const input = workerData as ArchiveWorkerInput;
const abort = new AbortController();
let credits = input.maxInFlight;
let creditWaiter: (() => void) | null = null;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.type === 'credit') {
    credits += 1;
    creditWaiter?.();
    creditWaiter = null;
  } else if (message.type === 'cancel') {
    abort.abort(new Error('cancelled'));
    creditWaiter?.();
    creditWaiter = null;
  }
});

/**
 * Joins the stream's pieces into one batch and hands it over (transferred, not copied again). The
 * batch's CRC-32 (for its media chunk) is computed by the main thread as it writes: the main thread
 * mostly waits on the disk, and this thread is the data path's narrowest part.
 */
class Batcher {
  private parts: Buffer[] = [];
  size = 0;

  push(piece: Buffer): void {
    this.parts.push(piece);
    this.size += piece.length;
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    while (credits === 0 && !abort.signal.aborted) await new Promise<void>((resolve) => (creditWaiter = resolve));
    abort.signal.throwIfAborted();
    // Not zero-filled (every byte is written below); its own ArrayBuffer, so it can be transferred.
    const view = Buffer.allocUnsafeSlow(this.size);
    const buffer = view.buffer as ArrayBuffer;
    let offset = 0;
    for (const part of this.parts) {
      view.set(part, offset);
      offset += part.length;
    }
    credits -= 1;
    post({ type: 'data', buffer }, [buffer]);
    this.parts = [];
    this.size = 0;
  }
}

/** The scan worker's names, batch by batch, as tar takes them; each batch taken earns the scan a credit. */
async function* namesFromScan(): AsyncGenerator<readonly string[]> {
  const queue: Array<readonly string[]> = [];
  let ended = false;
  let wake: (() => void) | null = null;
  input.peer.on('message', (message: ScanToArchive) => {
    if (message.type === 'names') queue.push(message.names);
    else ended = true;
    wake?.();
    wake = null;
  });
  const onAbort = (): void => {
    wake?.();
    wake = null;
  };
  abort.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const names = queue.shift();
      if (names) {
        yield names;
        input.peer.postMessage({ type: 'names-taken' } satisfies ArchiveToScan);
        continue;
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      abort.signal.throwIfAborted();
    }
  } finally {
    abort.signal.removeEventListener('abort', onAbort);
  }
}

async function run(): Promise<{ files: number; tarWarnings: string[] }> {
  let files = 0;
  let lastProgress = 0;
  let archived: Array<readonly [string, string | null]> = [];
  const report = (): void => {
    if (archived.length === 0) return;
    input.peer.postMessage({ type: 'archived', entries: archived } satisfies ArchiveToScan);
    archived = [];
  };
  const onEntry = (entry: TarEntry): void => {
    files += 1;
    if (entry.type === 'file' || entry.type === 'hardlink') {
      archived.push([entry.path, entry.type === 'file' ? (entry.checksum ?? null) : null]);
      if (archived.length >= ENTRIES_PER_REPORT) report();
    }
    const now = Date.now();
    if (now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      post({ type: 'progress', files, currentFile: `/${entry.path.replace(/\/+$/, '')}` });
    }
  };

  seedTarFeatures(input.tarCommand ?? DEFAULT_TAR, input.tarFeatures);
  const tar = spawnTarCreate({ cwd: '/', paths: namesFromScan(), signal: abort.signal, ...(input.tarCommand ? { tarCommand: input.tarCommand } : {}) });
  const batcher = new Batcher();
  try {
    if (input.compress === 'gzip') {
      await pipeline(tar.stdout, new TarIndexer({ onEntry, checksum: 'crc32' }), createGzip({ level: 6 }), async (source: AsyncIterable<Buffer>) => {
        for await (const piece of source) {
          batcher.push(piece);
          if (batcher.size >= input.batchBytes) await batcher.flush();
        }
      });
    } else {
      const parser = new TarParser({ entry: onEntry }, { checksum: 'crc32' });
      for await (const piece of tar.stdout as AsyncIterable<Buffer>) {
        parser.write(piece);
        batcher.push(piece);
        if (batcher.size >= input.batchBytes) await batcher.flush();
      }
      abort.signal.throwIfAborted();
      // A stream that ended early is tar's failure (its exit status says why); otherwise the parser's.
      await tar.done;
      parser.end();
    }
  } catch (error) {
    tar.stdout.destroy(); // tar stops on the closed pipe
    await tar.done.catch(() => undefined);
    throw error;
  }
  const result = await tar.done;
  await batcher.flush();
  report();
  input.peer.postMessage({ type: 'archived-end' } satisfies ArchiveToScan);
  return { files, tarWarnings: result.warnings };
}

run().then(
  (result) => post({ type: 'done', ...result }),
  (error: unknown) => post(failureMessage(error, abort.signal.aborted)),
);
