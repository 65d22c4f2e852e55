/**
 * The archive worker (see archive-protocol.ts): writes the saveset stream from what the scan
 * worker sends, either with Floe's own writer (floe-stream.ts, data path "floe") or by feeding the
 * names to GNU tar and parsing its stream in place (data path "gnu-tar"); computes each file's
 * CRC-32, reports the files' checksums to the scan worker (which writes the index), and sends the
 * stream to the main thread in large transferred batches under a credit limit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { failureMessage, type ArchiveToScan, type ArchiveWorkerInput, type FromWorker, type ScanToArchive, type StreamMember, type ToWorker } from './archive-protocol.js';
import { writeFloeStream } from './floe-stream.js';
import { DEFAULT_TAR, seedTarFeatures } from './tar/gnu-tar.js';
import { spawnTarCreate } from './tar/tar-create.js';
import { TarIndexer } from './tar/tar-indexer.js';
import { TarParser } from './tar/tar-parser.js';
import type { TarEntry } from './tar/entry.js';

const PROGRESS_MS = 200;
/** Archived files are reported to the scan worker in batches of this many. */
const ENTRIES_PER_REPORT = 1024;
/** A batch from tar's stream ends up to one pipe read past `batchBytes`: buffers this much larger are reused for every batch. */
const BATCH_SLACK = 256 * 1024;

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
    if (message.buffer) spare.push(message.buffer);
    creditWaiter?.();
    creditWaiter = null;
  } else if (message.type === 'cancel') {
    abort.abort(new Error('cancelled'));
    creditWaiter?.();
    creditWaiter = null;
  }
});

/** Batch buffers the main thread has written and given back, for reuse. */
const spare: ArrayBuffer[] = [];

/** A buffer of at least `bytes` for a batch: one given back if it is large enough, else a new one (not zero-filled). */
function batchBuffer(bytes: number): Buffer {
  for (let buffer = spare.pop(); buffer !== undefined; buffer = spare.pop()) {
    if (buffer.byteLength >= bytes) return Buffer.from(buffer);
  }
  return Buffer.allocUnsafeSlow(bytes);
}

/** Waits for a credit from the main thread (one per batch it has written), then takes it. */
async function takeCredit(): Promise<void> {
  while (credits === 0 && !abort.signal.aborted) await new Promise<void>((resolve) => (creditWaiter = resolve));
  abort.signal.throwIfAborted();
  credits -= 1;
}

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
    await takeCredit();
    // Every byte up to `size` is written below; its own ArrayBuffer, so it can be transferred.
    const view = batchBuffer(Math.max(this.size, input.batchBytes + BATCH_SLACK));
    const buffer = view.buffer as ArrayBuffer;
    let offset = 0;
    for (const part of this.parts) {
      view.set(part, offset);
      offset += part.length;
    }
    post({ type: 'data', buffer, length: this.size }, [buffer]);
    this.parts = [];
    this.size = 0;
  }
}

/** The scan worker's batches (names or members), as the writer takes them; each batch taken earns the scan a credit. */
async function* fromScan<T extends readonly string[] | readonly StreamMember[]>(): AsyncGenerator<T> {
  const queue: T[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  input.peer.on('message', (message: ScanToArchive) => {
    if (message.type === 'names') queue.push(message.names as T);
    else if (message.type === 'members') queue.push(message.members as T);
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
      const batch = queue.shift();
      if (batch) {
        yield batch;
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
  let archived: Array<string | number | null> = [];
  const report = (): void => {
    if (archived.length === 0) return;
    input.peer.postMessage({ type: 'archived', entries: archived } satisfies ArchiveToScan);
    archived = [];
  };
  const onMember = (name: string, type: TarEntry['type'], crc: number | string | null): void => {
    files += 1;
    if (type === 'file' || type === 'hardlink') {
      archived.push(name, type === 'file' ? crc : null);
      if (archived.length >= 2 * ENTRIES_PER_REPORT) report();
    }
    const now = Date.now();
    if (now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      post({ type: 'progress', files, currentFile: `/${name.replace(/\/+$/, '')}` });
    }
  };
  const onEntry = (entry: TarEntry): void => onMember(entry.path, entry.type, entry.checksum ?? null);

  seedTarFeatures(input.tarCommand ?? DEFAULT_TAR, input.tarFeatures);
  const tarOptions = { cwd: '/', signal: abort.signal, ...(input.tarCommand ? { tarCommand: input.tarCommand } : {}) };
  if (input.dataPath === 'floe') {
    const { tarWarnings } = await writeFloeStream({
      members: fromScan<readonly StreamMember[]>(),
      batchBytes: input.batchBytes,
      allocate: batchBuffer,
      send: async (buffer, length) => {
        await takeCredit();
        post({ type: 'data', buffer, length }, [buffer]);
      },
      onMember,
      warn: (text) => post({ type: 'warning', text }),
      startTar: (names) => spawnTarCreate({ ...tarOptions, paths: names }),
      signal: abort.signal,
    });
    report();
    input.peer.postMessage({ type: 'archived-end' } satisfies ArchiveToScan);
    return { files, tarWarnings };
  }
  const tar = spawnTarCreate({ ...tarOptions, paths: fromScan<readonly string[]>() });
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
