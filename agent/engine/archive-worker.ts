/**
 * The archive worker (see archive-protocol.ts; data path "gnu-tar"): feeds the names the scan
 * worker sends to GNU tar, reads tar's stream, parses it in place and computes each file's CRC-32,
 * reports the files' checksums to the scan worker (which writes the index), and sends the stream
 * to the main thread in large transferred batches under a credit limit (batch-link.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { failureMessage, type ArchiveToScan, type ArchiveWorkerInput, type ScanToArchive } from './archive-protocol.js';
import { BatchLink } from './batch-link.js';
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
const link = new BatchLink(port, input.maxInFlight);
const abort = link.abort;

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
    // Every byte up to `size` is written below; its own ArrayBuffer, so it can be transferred.
    const view = link.buffer(Math.max(this.size, input.batchBytes + BATCH_SLACK));
    let offset = 0;
    for (const part of this.parts) {
      view.set(part, offset);
      offset += part.length;
    }
    await link.send(view.buffer as ArrayBuffer, this.size);
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
  let archived: Array<string | null> = [];
  const report = (): void => {
    if (archived.length === 0) return;
    input.peer.postMessage({ type: 'archived', entries: archived } satisfies ArchiveToScan);
    archived = [];
  };
  const onEntry = (entry: TarEntry): void => {
    files += 1;
    if (entry.type === 'file' || entry.type === 'hardlink') {
      archived.push(entry.path, entry.type === 'file' ? (entry.checksum ?? null) : null);
      if (archived.length >= 2 * ENTRIES_PER_REPORT) report();
    }
    const now = Date.now();
    if (now - lastProgress >= PROGRESS_MS) {
      lastProgress = now;
      link.post({ type: 'progress', files, currentFile: `/${entry.path.replace(/\/+$/, '')}` });
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
  (result) => link.post({ type: 'done', ...result }),
  (error: unknown) => link.post(failureMessage(error, abort.signal.aborted)),
);
