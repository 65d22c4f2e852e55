/**
 * The file index of a tar stream as it passes: a Transform that hands every chunk on unchanged (the
 * same Buffer objects, no copies) and reports one TarEntry per member, with the SHA-256 of its data,
 * once that data has passed. Errors (bad checksum, malformed headers, truncation) are TarFormatErrors
 * naming the byte offset, raised as stream errors.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { ChecksumAlgorithm } from '../checksum.js';
import type { TarEntry } from './entry.js';
import { TarParser } from './tar-parser.js';

export interface TarIndexerOptions {
  /** Called for each member after its data has passed. */
  onEntry: (entry: TarEntry) => void;
  /** Hash file data with SHA-256 (default true; ignored when `checksum` is given). */
  hash?: boolean;
  /** Checksum file data with this algorithm (added option; sets `entry.checksum`), or null for none. */
  checksum?: ChecksumAlgorithm | null;
}

export class TarIndexer extends Transform {
  private readonly parser: TarParser;

  constructor(options: TarIndexerOptions) {
    super({ readableHighWaterMark: 1024 * 1024, writableHighWaterMark: 1024 * 1024 });
    this.parser = new TarParser({ entry: options.onEntry }, options.checksum !== undefined ? { checksum: options.checksum } : { hash: options.hash ?? true });
  }

  /** Bytes seen so far. */
  get offset(): number {
    return this.parser.offset;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.parser.write(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.parser.end();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }
}

/** Convenience: a pass-through indexer stream. */
export function createTarIndexer(options: TarIndexerOptions): TarIndexer {
  return new TarIndexer(options);
}

/** Parses a whole tar stream (for verify and tests) and returns its entries. */
export async function indexTar(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, options: { hash?: boolean; checksum?: ChecksumAlgorithm | null } = {}): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const parser = new TarParser({ entry: (entry) => entries.push(entry) }, options);
  for await (const chunk of chunks) parser.write(chunk);
  parser.end();
  return entries;
}
