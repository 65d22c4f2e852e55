/**
 * The scan worker (see archive-protocol.ts; data path "gnu-tar"): walks the sources (synchronous fs calls are fine on
 * this thread), decides what the backup saves, sends the names to the archive worker in batches
 * (at most `nameBatchesInFlight` ahead of tar) and writes the index rows into the catalog on its
 * own connection: other rows at once, file rows when the archive worker reports their checksum.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { openCatalog } from '../catalog/database.js';
import { failureMessage, type ArchiveToScan, type FromWorker, type ScanToArchive, type ScanWorkerInput, type ToWorker } from './archive-protocol.js';
import type { IndexRow } from './engine-store.js';
import { excludeMatcher } from './glob.js';
import { indexWriter } from './index-writer.js';
import { walkSources, type ReferenceState } from './scan.js';

/** Names per message to the archive worker: each message costs a thread wake-up on both sides. */
const NAMES_PER_BATCH = 1024;

const port = parentPort;
if (!port) throw new Error('scan-worker runs as a worker thread only');
const input = workerData as ScanWorkerInput;
const abort = new AbortController();
let credits = input.nameBatchesInFlight;
let archivedEnded = false;
let wake: (() => void) | null = null;
const signal = (): void => {
  wake?.();
  wake = null;
};
/** Waits until a message or a cancel changes something, and fails once cancelled. */
async function changed(): Promise<void> {
  await new Promise<void>((resolve) => (wake = resolve));
  abort.signal.throwIfAborted();
}

const post = (message: FromWorker): void => port.postMessage(message);
const send = (message: ScanToArchive): void => input.peer.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    abort.abort(new Error('cancelled'));
    signal();
  }
});

async function run(): Promise<void> {
  const db = openCatalog(input.catalogPath);
  // Rows of an uncommitted saveset are thrown away after a crash anyway: no fsync per transaction (WAL
  // keeps the database consistent). The saveset's commit on the main connection (synchronous=FULL)
  // syncs the WAL, these frames included, before the saveset becomes visible.
  db.pragma('synchronous = NORMAL');
  try {
    const index = indexWriter(db, input.saveset);
    /** File rows wait here for their checksum from the archive worker. */
    const pending = new Map<string, IndexRow>();
    input.peer.on('message', (message: ArchiveToScan) => {
      if (message.type === 'names-taken') credits += 1;
      else if (message.type === 'archived-end') archivedEnded = true;
      else {
        const entries = message.entries;
        for (let at = 0; at + 1 < entries.length; at += 2) {
          const path = `/${entries[at] as string}`;
          const row = pending.get(path);
          if (!row) continue;
          pending.delete(path);
          // The row is this worker's own (built by the walk, never shared): set in place, no copy.
          (row as { checksum: string | null }).checksum = entries[at + 1] ?? null;
          index.add(row);
        }
      }
      signal();
    });

    const sendNames = async (names: readonly string[]): Promise<void> => {
      while (credits === 0) await changed();
      credits -= 1;
      send({ type: 'names', names });
    };
    const reference: ReferenceState | null = input.reference ? new Map(input.reference) : null;
    let entries = 0;
    let deleted = 0;
    let batch: string[] = [];
    for (const { row, archive } of walkSources(input.sources, excludeMatcher([...input.excludes]), reference, (text) => post({ type: 'warning', text }))) {
      if (!archive) {
        deleted += 1;
        index.add(row);
        continue;
      }
      entries += 1;
      if (row.type === 'file') pending.set(row.path, row);
      else index.add(row);
      batch.push(row.path.slice(1) || '.');
      if (batch.length >= NAMES_PER_BATCH) {
        await sendNames(batch);
        batch = [];
        await yieldToLoop(); // lets the archive worker's checksums in
        abort.signal.throwIfAborted();
      }
    }
    if (batch.length > 0) await sendNames(batch);
    send({ type: 'names-end' });
    post({ type: 'scanned', entries, deleted });
    while (!archivedEnded) await changed();
    for (const row of pending.values()) index.add(row); // vanished since the scan: indexed, no checksum
    index.flush();
  } finally {
    db.close();
  }
}

run().then(
  () => post({ type: 'indexed' }),
  (error: unknown) => post(failureMessage(error, abort.signal.aborted)),
);
