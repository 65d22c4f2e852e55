/**
 * The file index of a tar stream as it passes: a Transform that hands every chunk on unchanged (the
 * same Buffer objects, no copies) and reports one TarEntry per member, with the SHA-256 of its data,
 * once that data has passed. Errors (bad checksum, malformed headers, truncation) are TarFormatErrors
 * naming the byte offset, raised as stream errors.
 *
 * Headers are parsed on the main thread; file data is hashed on a worker thread by default
 * (`hashThread: 'worker'`), which keeps the event loop free and lets hashing run beside tar and the
 * writer. Entries still arrive in archive order, each after its data has passed; all have arrived
 * when the stream ends ('finish' / end of the pipeline).
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { TarEntry } from './entry.js';
import { TarParser, type TarParserSink } from './tar-parser.js';
import { WorkerHasher } from './worker-hasher.js';

export interface TarIndexerOptions {
  /** Called for each member after its data has passed, in archive order. */
  onEntry: (entry: TarEntry) => void;
  /** Hash file data with SHA-256 (default true). */
  hash?: boolean;
  /** Where to hash: a worker thread (default) or the main thread (no thread start-up; for small streams). */
  hashThread?: 'worker' | 'main';
}

interface Pending {
  entry: TarEntry;
  id: number | null;
  ended: boolean;
  hashed: boolean;
}

export class TarIndexer extends Transform {
  private readonly parser: TarParser;
  private readonly hasher: WorkerHasher | null = null;
  private readonly queue: Pending[] = [];
  private readonly byId = new Map<number, Pending>();
  private nextId = 0;
  private current: Pending | null = null;

  constructor(private readonly options: TarIndexerOptions) {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    const hashing = options.hash ?? true;
    if (!hashing || options.hashThread === 'main') {
      this.parser = new TarParser({ entry: options.onEntry }, { hash: hashing });
      return;
    }
    const hasher = new WorkerHasher(
      (id, sha256) => this.digested(id, sha256),
      (error) => this.destroy(error),
    );
    this.hasher = hasher;
    const sink: TarParserSink = {
      member: (entry) => {
        const pending: Pending = { entry, id: entry.type === 'file' ? this.nextId++ : null, ended: false, hashed: false };
        if (pending.id !== null) this.byId.set(pending.id, pending);
        this.queue.push(pending);
        this.current = pending;
      },
      data: (slice, padding) => {
        const id = this.current?.id;
        if (!padding && id !== null && id !== undefined) hasher.data(id, slice);
      },
      entry: () => {
        const pending = this.current as Pending;
        pending.ended = true;
        if (pending.id !== null) hasher.finish(pending.id);
        this.current = null;
        this.emitReady();
      },
    };
    this.parser = new TarParser(sink, { hash: false });
  }

  /** Bytes seen so far. */
  get offset(): number {
    return this.parser.offset;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.hasher?.begin(chunk);
      this.parser.write(chunk);
      this.hasher?.flush();
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (!this.hasher) return callback(null, chunk);
    this.push(chunk);
    this.hasher.settle().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.parser.end();
    } catch (error) {
      this.hasher?.close();
      callback(error as Error);
      return;
    }
    if (!this.hasher) return callback();
    const hasher = this.hasher;
    hasher.settle(true).then(
      () => {
        hasher.close();
        callback();
      },
      (error: Error) => {
        hasher.close();
        callback(error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.hasher?.close();
    callback(error);
  }

  private digested(id: number, sha256: string): void {
    const pending = this.byId.get(id);
    if (!pending) return;
    this.byId.delete(id);
    pending.entry.sha256 = sha256;
    pending.hashed = true;
    this.emitReady();
  }

  private emitReady(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0] as Pending;
      if (!head.ended || (head.id !== null && !head.hashed)) return;
      this.queue.shift();
      this.options.onEntry(head.entry);
    }
  }
}

/** Convenience: a pass-through indexer stream. */
export function createTarIndexer(options: TarIndexerOptions): TarIndexer {
  return new TarIndexer(options);
}

/** Parses a whole tar stream on the main thread (for verify and tests) and returns its entries. */
export async function indexTar(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, options: { hash?: boolean } = {}): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const parser = new TarParser({ entry: (entry) => entries.push(entry) }, options);
  for await (const chunk of chunks) parser.write(chunk);
  parser.end();
  return entries;
}
