/**
 * The stream worker (see archive-protocol.ts; data path "floe"): learns which paths carry extended
 * attributes from the native lstat (or lists them with getfattr, xattr-list.ts, where the native
 * reader is not loaded) while it walks the sources (synchronous fs calls are fine on this thread),
 * decides what the backup saves and writes the stream with Floe's own writer (floe-stream.ts), all
 * on this one thread, so no member crosses a thread boundary on its way into the stream. The
 * index rows, each file's with its CRC-32, go to the index worker in batches (at most
 * `rowBatchesInFlight` unwritten); the stream goes to the main thread (batch-link.ts). The worker
 * is pooled (worker-pool.ts): it serves one `job` message after another.
 */
import { resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { failureMessage, type IndexToStream, type StreamToIndex, type StreamWorkerInput, type ToWorker } from './archive-protocol.js';
import { BatchLink } from './batch-link.js';
import { RowPacker } from './row-pack.js';
import { crc32Hex } from './checksum.js';
import type { IndexRow } from './engine-store.js';
import { writeFloeStream } from './floe-stream.js';
import { excludeMatcher } from './glob.js';
import { loadNativeIo, nativeLstat } from './native-io.js';
import { nativeWholeReader } from './whole-read.js';
import { nativeFilePacker } from './file-packer.js';
import { walkSources, type ReferenceState, type ScannedPath } from './scan.js';
import { streamMember, type StreamMember } from './stream-member.js';
import { DEFAULT_TAR, seedTarFeatures } from './tar/gnu-tar.js';
import { spawnTarCreate } from './tar/tar-create.js';
import { pathsWithXattrs } from './xattr-list.js';

const PROGRESS_MS = 200;
/** Members handed to the writer at a time (between two looks at the index worker's pace). */
const MEMBERS_PER_BATCH = 256;
/** Paths the walk may find before getfattr's listing is in (each holds its lstat: about 1 KiB). */
const EARLY_PATHS = 20_000;
/** Index rows per message to the index worker: each message costs a thread wake-up on both sides. */
const ROWS_PER_BATCH = 1024;

if (!parentPort) throw new Error('stream-worker runs as a worker thread only');
const port = parentPort;

/** Index rows on their way to the index worker, at most `rowBatchesInFlight` batches unwritten. */
class RowSender {
  private readonly rows = new RowPacker(ROWS_PER_BATCH);
  private credits: number;
  private wake: (() => void) | null = null;

  constructor(
    private readonly peer: MessagePort,
    inFlight: number,
    private readonly signal: AbortSignal,
  ) {
    this.credits = inFlight;
    peer.on('message', (message: IndexToStream) => {
      if (message.type === 'rows-taken') this.credits += 1;
      this.wake?.();
      this.wake = null;
    });
    signal.addEventListener('abort', () => {
      this.wake?.();
      this.wake = null;
    });
  }

  /** Queues a row (packed at once: it is complete); sends a full batch at once (credits are checked in `pace`). */
  add(row: IndexRow): void {
    this.rows.add(row);
    if (this.rows.count >= ROWS_PER_BATCH) this.send();
  }

  /** Waits while the index worker is behind by every batch it may be. */
  async pace(): Promise<void> {
    while (this.credits <= 0) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.signal.throwIfAborted();
    }
  }

  end(): void {
    if (this.rows.count > 0) this.send();
    this.peer.postMessage({ type: 'rows-end' } satisfies StreamToIndex);
  }

  private send(): void {
    const rows = this.rows.take();
    this.peer.postMessage({ type: 'rows', rows } satisfies StreamToIndex, [rows.numbers.buffer as ArrayBuffer]);
    this.credits -= 1;
  }
}

/** `first`, then `rest` mapped through `map`. */
function* chain<T, U>(first: readonly U[], rest: Iterable<T>, map: (item: T) => U): Generator<U> {
  yield* first;
  for (const item of rest) yield map(item);
}

async function run(input: StreamWorkerInput, link: BatchLink): Promise<{ files: number; tarWarnings: string[] }> {
  const signal = link.signal;
  seedTarFeatures(input.tarCommand ?? DEFAULT_TAR, input.tarFeatures);
  const rows = new RowSender(input.peer, input.rowBatchesInFlight, signal);
  // The main thread loaded it before (native-io-location.ts): a failure here is a real fault.
  const native = input.nativeIo === null ? null : loadNativeIo(input.nativeIo);
  const reference: ReferenceState | null = input.reference ? new Map(input.reference) : null;
  /** Rows of the files GNU tar writes wait here for the checksum from its stream (by path); the others' come with their member. */
  const pending = new Map<string, IndexRow>();
  let entries = 0;
  let deleted = 0;
  let files = 0;
  let lastProgress = 0;

  /** A scanned path as it waits: its row, and the member to write (null for a deletion record). The lstat is not kept. */
  const scanned = ({ row, archive, stats }: ScannedPath): { row: IndexRow; member: StreamMember | null } => ({ row, member: archive && stats ? streamMember(row, stats) : null });

  async function* members(): AsyncGenerator<readonly StreamMember[]> {
    const walk = walkSources(input.sources, excludeMatcher([...input.excludes]), reference, (text) => link.post({ type: 'warning', text }), native ? nativeLstat(native) : undefined);
    // The native lstat tells which paths carry attributes (streamMember marks them). Without it,
    // getfattr lists them in its own process while the walk begins here; what the walk finds
    // meanwhile waits (at most EARLY_PATHS) until the listing is in.
    const listing = native
      ? Promise.resolve(new Set<string>())
      : pathsWithXattrs(
          input.sources.map((source) => resolve(source)),
          signal,
        );
    let listed = native !== null;
    listing.then(
      () => (listed = true),
      () => (listed = true),
    );
    const early: Array<ReturnType<typeof scanned>> = [];
    while (!listed && early.length < EARLY_PATHS) {
      const next = walk.next();
      if (next.done) break;
      early.push(scanned(next.value));
      if (early.length % 512 === 0) await yieldToLoop(); // lets getfattr's end in
    }
    const withXattrs = await listing;
    let batch: StreamMember[] = [];
    for (const { row, member } of chain(early, walk, scanned)) {
      if (member === null) {
        deleted += 1;
        rows.add(row);
        continue;
      }
      entries += 1;
      if (withXattrs.has(member.path)) member.viaTar = true;
      if (row.type !== 'file') rows.add(row);
      else if (member.viaTar) pending.set(row.path, row); // else its row goes with its checksum (onMember, onLeftOut)
      batch.push(member);
      if (batch.length >= MEMBERS_PER_BATCH) {
        yield batch;
        batch = [];
        await rows.pace();
      }
    }
    if (batch.length > 0) yield batch;
    link.post({ type: 'scanned', entries, deleted });
  }

  const { tarWarnings } = await writeFloeStream({
    members: members(),
    batchBytes: input.batchBytes,
    readWhole: native ? nativeWholeReader(native) : undefined,
    packer: native ? nativeFilePacker(native) : undefined,
    allocate: (bytes) => link.buffer(bytes),
    send: (buffer, length, crc) => link.send(buffer, length, crc),
    crc32Combine: native ? native.crc32Combine : undefined,
    crc32: native ? native.crc32 : undefined,
    onMember: (name, type, crc, member) => {
      files += 1;
      if (type === 'file' || type === 'hardlink') {
        const row = member ? member.row : pending.get(`/${name}`);
        if (row) {
          if (!member) pending.delete(row.path);
          // This worker's own row (built by the walk, not yet sent): set in place, no copy.
          (row as { checksum: string | null }).checksum = typeof crc === 'number' ? crc32Hex(crc) : crc;
          rows.add(row);
        }
      }
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_MS) {
        lastProgress = now;
        link.post({ type: 'progress', files, currentFile: `/${name.replace(/\/+$/, '')}` });
      }
    },
    onLeftOut: (member) => {
      rows.add(member.row); // a file that vanished or became unreadable since the scan: indexed, no checksum
    },
    warn: (text) => link.post({ type: 'warning', text }),
    startTar: (names) => spawnTarCreate({ cwd: '/', paths: names, signal, ...(input.tarCommand ? { tarCommand: input.tarCommand } : {}) }),
    signal,
  });
  for (const row of pending.values()) rows.add(row); // GNU tar left it out (vanished or unreadable since the scan): indexed, no checksum
  rows.end();
  return { files, tarWarnings };
}

/** One job: the link to the main thread lives as long as it does. */
async function serve(input: StreamWorkerInput): Promise<void> {
  const link = new BatchLink(port, input.maxInFlight);
  try {
    link.post({ type: 'done', ...(await run(input, link)) });
  } catch (error) {
    link.post(failureMessage(error, link.signal.aborted));
  } finally {
    link.close();
    input.peer.close();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'job') void serve(message.input as StreamWorkerInput);
});
