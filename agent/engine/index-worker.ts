/**
 * The index worker (see archive-protocol.ts; data path "floe"): writes the index rows the stream
 * worker sends into the catalog on its own connection (index-writer.ts), acknowledging each batch
 * so the stream worker stays at most a few batches ahead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openCatalog } from '../catalog/database.js';
import { failureMessage, type FromWorker, type IndexToStream, type IndexWorkerInput, type StreamToIndex, type ToWorker } from './archive-protocol.js';
import { indexWriter } from './index-writer.js';

if (!parentPort) throw new Error('index-worker runs as a worker thread only');
const port = parentPort;
const input = workerData as IndexWorkerInput;
const abort = new AbortController();
const post = (message: FromWorker): void => port.postMessage(message);

async function run(): Promise<void> {
  const db = openCatalog(input.catalogPath);
  // Rows of an uncommitted saveset are thrown away after a crash anyway: no fsync per transaction (WAL
  // keeps the database consistent). The saveset's commit on the main connection (synchronous=FULL)
  // syncs the WAL, these frames included, before the saveset becomes visible.
  db.pragma('synchronous = NORMAL');
  try {
    const index = indexWriter(db, input.saveset);
    await new Promise<void>((resolve, reject) => {
      port.on('message', (message: ToWorker) => {
        if (message.type === 'cancel') {
          abort.abort(new Error('cancelled'));
          reject(abort.signal.reason as Error);
        }
      });
      input.peer.on('message', (message: StreamToIndex) => {
        if (abort.signal.aborted) return;
        try {
          if (message.type === 'rows-end') {
            index.flush();
            resolve();
            return;
          }
          for (const row of message.rows) index.add(row);
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

run().then(
  () => post({ type: 'indexed' }),
  (error: unknown) => post(failureMessage(error, abort.signal.aborted)),
);
