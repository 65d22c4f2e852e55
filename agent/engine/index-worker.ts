/**
 * The index worker (see archive-protocol.ts; data path "floe"): writes the index rows the stream
 * worker sends into the catalog on its own connection (index-writer.ts), acknowledging each batch
 * so the stream worker stays at most a few batches ahead. The worker is pooled (worker-pool.ts):
 * it serves one `job` message after another.
 */
import { parentPort } from 'node:worker_threads';
import { openCatalog } from '../catalog/database.js';
import { failureMessage, type FromWorker, type IndexToStream, type IndexWorkerInput, type StreamToIndex, type ToWorker } from './archive-protocol.js';
import { indexWriter } from './index-writer.js';
import { unpackRows } from './row-pack.js';

if (!parentPort) throw new Error('index-worker runs as a worker thread only');
const port = parentPort;
const post = (message: FromWorker): void => port.postMessage(message);

async function run(input: IndexWorkerInput, abort: AbortController): Promise<void> {
  const db = openCatalog(input.catalogPath);
  // Rows of an uncommitted saveset are thrown away after a crash anyway: no fsync per transaction (WAL
  // keeps the database consistent). The saveset's commit on the main connection (synchronous=FULL)
  // syncs the WAL, these frames included, before the saveset becomes visible.
  db.pragma('synchronous = NORMAL');
  try {
    const index = indexWriter(db, input.saveset);
    await new Promise<void>((resolve, reject) => {
      abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true });
      input.peer.on('message', (message: StreamToIndex) => {
        if (abort.signal.aborted) return;
        try {
          if (message.type === 'rows-end') {
            index.flush();
            resolve();
            return;
          }
          for (const row of unpackRows(message.rows)) index.add(row);
          input.peer.postMessage({ type: 'rows-taken' } satisfies IndexToStream);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  } finally {
    db.close();
  }
}

/** The job under way: a `cancel` from the main thread aborts it. */
let current: AbortController | null = null;

async function serve(input: IndexWorkerInput): Promise<void> {
  const abort = new AbortController();
  current = abort;
  try {
    await run(input, abort);
    post({ type: 'indexed' });
  } catch (error) {
    post(failureMessage(error, abort.signal.aborted));
  } finally {
    current = null;
    input.peer.close();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'job') void serve(message.input as IndexWorkerInput);
  else if (message.type === 'cancel') current?.abort(new Error('cancelled'));
});
