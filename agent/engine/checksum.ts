/**
 * Checksums of saveset data. New savesets use CRC-32 (IEEE 802.3, as in gzip and zip; `zlib.crc32`)
 * per file and per chunk; savesets written before carry SHA-256 and still verify. The algorithm is
 * recorded per saveset in the catalog (`savesets.checksum`). Why CRC-32: see docs/admin-guide.md
 * ("Checksums") and docs/benchmarks.md — it is integrity against media damage, not a signature.
 *
 * `crc32Combine` joins the CRCs of two adjacent pieces without reading their bytes again, so the
 * data path computes each byte's CRC once and derives the file's, the batch's and the chunk's.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { nativeIoLocation } from './native-io-location.js';
import { loadNativeIo } from './native-io.js';

export type ChecksumAlgorithm = 'sha256' | 'crc32';

/** Written for new savesets. */
export const CURRENT_CHECKSUM: ChecksumAlgorithm = 'crc32';

export function isChecksumAlgorithm(value: unknown): value is ChecksumAlgorithm {
  return value === 'sha256' || value === 'crc32';
}

/** A running checksum: `update` slice by slice, `digest` once (hex: 64 chars for SHA-256, 8 for CRC-32). */
export interface Checksum {
  update(data: Buffer): void;
  digest(): string;
}

let crc32Of: ((data: Uint8Array, crc: number) => number) | undefined;

/**
 * The CRC-32 of `data` continued from `crc` (0 to start): the native reader's (carry-less
 * multiplication, about three times node:zlib's speed: 16 against 49 ms per 128 MB) where it loads,
 * node:zlib's otherwise (the same values). Chosen once per thread; a worker bundled from the
 * TypeScript sources (tests) cannot locate the reader and uses node:zlib's.
 */
export function fastCrc32(data: Uint8Array, crc: number): number {
  crc32Of ??= nativeCrc32() ?? ((bytes, value) => crc32(bytes, value));
  return crc32Of(data, crc);
}

function nativeCrc32(): ((data: Uint8Array, crc: number) => number) | null {
  try {
    const location = nativeIoLocation();
    if (location.path === null) return null;
    const io = loadNativeIo(location.path);
    return (bytes, value) => io.crc32(bytes, 0, bytes.length, value);
  } catch {
    return null;
  }
}

class Crc32Checksum implements Checksum {
  private value = 0;
  update(data: Buffer): void {
    this.value = fastCrc32(data, this.value);
  }
  digest(): string {
    return crc32Hex(this.value);
  }
}

class Sha256Checksum implements Checksum {
  private readonly hash: Hash = createHash('sha256');
  update(data: Buffer): void {
    this.hash.update(data);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  return algorithm === 'crc32' ? new Crc32Checksum() : new Sha256Checksum();
}

export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** `operators[k]`: appending 2^k zero bytes to a message, as a 32×32 matrix over GF(2) (zlib's crc32_combine). */
const operators: Uint32Array[] = ((): Uint32Array[] => {
  const times = (matrix: Uint32Array, vector: number): number => {
    let sum = 0;
    for (let i = 0; vector !== 0; i += 1, vector >>>= 1) if (vector & 1) sum ^= matrix[i] ?? 0;
    return sum >>> 0;
  };
  const square = (matrix: Uint32Array): Uint32Array => Uint32Array.from(matrix, (row) => times(matrix, row));
  let bit: Uint32Array = new Uint32Array(32); // one zero bit
  bit[0] = 0xedb88320;
  for (let n = 1; n < 32; n += 1) bit[n] = (1 << (n - 1)) >>> 0;
  bit = square(square(square(bit))); // one zero byte
  const list: Uint32Array[] = [bit];
  for (let k = 1; k < 54; k += 1) list.push(square(list[k - 1] as Uint32Array));
  return list;
})();

function apply(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i += 1, vector >>>= 1) if (vector & 1) sum ^= matrix[i] as number;
  return sum >>> 0;
}

/** CRC-32 of A followed by B, from crc(A), crc(B) and B's length (at most 32 small matrix products). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  let crc = crcA >>> 0;
  let length = lengthB;
  for (let k = 0; length > 0; k += 1) {
    if (length % 2 === 1) crc = apply(operators[k] as Uint32Array, crc);
    length = Math.floor(length / 2);
  }
  return (crc ^ crcB) >>> 0;
}
