/**
 * The archive worker: one per backup job, on its own thread, so archiving never runs on the agent's
 * socket event loop. It walks the sources (synchronous fs calls are fine here) and feeds the names
 * to GNU tar in batches while the walk goes on; reads tar's stream, parses it in place and computes
 * each file's CRC-32; writes the index rows, checksums included, into the catalog on its own
 * connection (index-writer.ts); and sends the stream to the main thread in large transferred
 * batches under a credit limit. */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { openCatalog } from '../catalog/database.js';
import type { ArchiveWorkerInput, FromWorker, ToWorker } from './archive-protocol.js';
import type { IndexRow } from './engine-store.js';
import { excludeMatcher } from './glob.js';
import { indexWriter } from './index-writer.js';
import { walkSources, type ReferenceState } from './scan.js';
import { DEFAULT_TAR, seedTarFeatures } from './tar/gnu-tar.js';
import { spawnTarCreate } from './tar/tar-create.js';
import { TarIndexer } from './tar/tar-indexer.js';
import { TarParser } from './tar/tar-parser.js';
import type { TarEntry } from './tar/entry.js';

const PROGRESS_MS = 200;
/** The walk lets tar's stream in every so many paths. */
const NAMES_PER_BATCH = 256;

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
    const buffer = new ArrayBuffer(this.size);
    const view = Buffer.from(buffer);
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

async function run(): Promise<{ files: number; tarWarnings: string[] }> {
  const db = openCatalog(input.catalogPath);
  // Rows of an uncommitted saveset are thrown away after a crash anyway: no fsync per transaction (WAL
  // keeps the database consistent). The saveset's commit on the main connection (synchronous=FULL)
  // syncs the WAL, these frames included, before the saveset becomes visible.
  db.pragma('synchronous = NORMAL');
  try {
    const index = indexWriter(db, input.saveset);
    const addRow = (row: IndexRow): void => index.add(row);

    /** File rows wait here for their checksum from the stream. */
    const pending = new Map<string, IndexRow>();
    const reference: ReferenceState | null = input.reference ? new Map(input.reference) : null;
    /** The walk, in batches of names: tar's stream gets the thread between two batches. */
    async function* names(): AsyncGenerator<readonly string[]> {
      let entries = 0;
      let deleted = 0;
      let batch: string[] = [];
      for (const { row, archive } of walkSources(input.sources, excludeMatcher([...input.excludes]), reference, (text) => post({ type: 'warning', text }))) {
        if (!archive) {
          deleted += 1;
          addRow(row);
          continue;
        }
        entries += 1;
        if (row.type === 'file') pending.set(row.path, row);
        else addRow(row);
        batch.push(row.path.slice(1) || '.');
        if (batch.length >= NAMES_PER_BATCH) {
          yield batch;
          batch = [];
          await yieldToLoop();
          abort.signal.throwIfAborted();
        }
      }
      if (batch.length > 0) yield batch;
      post({ type: 'scanned', entries, deleted });
    }

    let files = 0;
    let lastProgress = 0;
    const onEntry = (entry: TarEntry): void => {
      files += 1;
      const path = `/${entry.path.replace(/\/+$/, '')}`;
      const row = pending.get(path);
      if (row) {
        pending.delete(path);
        addRow(entry.type === 'file' ? { ...row, checksum: entry.checksum ?? null } : row);
      }
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        post({ type: 'progress', files, currentFile: path });
      }
    };

    seedTarFeatures(input.tarCommand ?? DEFAULT_TAR, input.tarFeatures);
    const tar = spawnTarCreate({ cwd: '/', paths: names(), signal: abort.signal, ...(input.tarCommand ? { tarCommand: input.tarCommand } : {}) });
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
    for (const row of pending.values()) addRow(row); // vanished since the scan: indexed, no checksum
    index.flush();
    return { files, tarWarnings: result.warnings };
  } finally {
    db.close();
  }
}

run().then(
  (result) => post({ type: 'done', ...result }),
  (error: unknown) => {
    const code = abort.signal.aborted ? 'ABORTED' : typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'INTERNAL';
    post({ type: 'error', code, message: error instanceof Error ? error.message : String(error) });
  },
);
