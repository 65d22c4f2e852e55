/**
 * Decoding of single tar header blocks (ustar, old GNU, v7) and of pax extended-header records.
 * Only header bytes pass through here; file data never does.
 */
import { TarFormatError } from './entry.js';

export const BLOCK = 512;
export const ZERO_BLOCK = Buffer.alloc(BLOCK);

export interface HeaderBlock {
  /** Name from the header itself (ustar prefix + name); long names and pax override it later. */
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  uname: string;
  gname: string;
  /** Old GNU sparse ('S'): the real size and whether extension blocks follow the header. */
  gnuRealSize: number;
  gnuSparseExtended: boolean;
}

const SPACE = 0x20;

/** Rounds a data size up to whole blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Verifies the header checksum (unsigned, or signed as some old tars wrote it); throws naming the offset. */
export function verifyChecksum(block: Buffer, offset: number): void {
  let unsigned = 0;
  for (let index = 0; index < BLOCK; index++) unsigned += block[index] as number;
  for (let index = 148; index < 156; index++) unsigned -= block[index] as number;
  unsigned += 8 * SPACE;
  const stored = parseOctalField(block, 148, 8);
  if (stored === unsigned) return;
  if (stored !== null && stored === signedChecksum(block)) return;
  throw new TarFormatError(
    `tar header checksum mismatch at byte offset ${offset} (stored ${stored ?? 'unreadable'}, computed ${unsigned}): the archive is damaged or not a tar stream; run verify on the saveset to find the damaged media chunk`,
    offset,
  );
}

/** The checksum as some old tars computed it, over signed bytes. */
function signedChecksum(block: Buffer): number {
  let signed = 8 * SPACE;
  for (let index = 0; index < BLOCK; index++) {
    if (index >= 148 && index < 156) continue;
    const byte = block[index] as number;
    signed += byte >= 128 ? byte - 256 : byte;
  }
  return signed;
}

/** Decodes one (checksum-verified) header block. */
export function parseHeader(block: Buffer, offset: number): HeaderBlock {
  const ustar = block[257] === 0x75 && block[258] === 0x73 && block[259] === 0x74 && block[260] === 0x61 && block[261] === 0x72; // "ustar"
  const posix = ustar && block[262] === 0;
  const oldGnu = ustar && block[262] === SPACE && block[263] === SPACE && block[264] === 0;
  let name = cString(block, 0, 100);
  if (posix) {
    const prefix = cString(block, 345, 155);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  const typeflag = block[156] === 0 ? '\0' : String.fromCharCode(block[156] as number);
  return {
    name,
    mode: numeric(block, 100, 8, 'mode', offset, true),
    uid: numeric(block, 108, 8, 'uid', offset, true),
    gid: numeric(block, 116, 8, 'gid', offset, true),
    size: numeric(block, 124, 12, 'size', offset, false),
    mtime: numeric(block, 136, 12, 'mtime', offset, true),
    typeflag,
    linkname: cString(block, 157, 100),
    uname: posix || oldGnu ? cString(block, 265, 32) : '',
    gname: posix || oldGnu ? cString(block, 297, 32) : '',
    gnuRealSize: oldGnu && typeflag === 'S' ? numeric(block, 483, 12, 'realsize', offset, true) : 0,
    gnuSparseExtended: oldGnu && typeflag === 'S' && block[482] !== 0,
  };
}

/** A field up to its first NUL (or its full width), decoded as UTF-8. */
export function cString(block: Buffer, start: number, length: number): string {
  const nul = block.indexOf(0, start);
  const end = nul === -1 || nul > start + length ? start + length : nul;
  return block.toString('utf8', start, end);
}

function parseOctalField(block: Buffer, start: number, length: number): number | null {
  const end = start + length;
  let index = start;
  while (index < end && block[index] === SPACE) index++;
  let value = 0;
  let digits = 0;
  while (index < end) {
    const byte = block[index] as number;
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
    digits++;
    index++;
  }
  if (digits === 0) return null;
  if (index < end && block[index] !== 0 && block[index] !== SPACE) return null;
  return value;
}

/** One numeric field of a header block already decoded once (no error possible then): mode, size… */
export function headerNumber(block: Buffer, start: number, length: number): number {
  return numeric(block, start, length, 'field', 0, true);
}

/** An octal or base-256 numeric field (GNU/star extension for values that do not fit in octal). */
function numeric(block: Buffer, start: number, length: number, field: string, offset: number, emptyIsZero: boolean): number {
  const first = block[start] as number;
  if (first === 0x80 || first === 0xff) {
    const negative = first === 0xff;
    let value = 0;
    for (let index = start + 1; index < start + length; index++) {
      const byte = block[index] as number;
      value = value * 256 + (negative ? 255 - byte : byte);
      if (value > Number.MAX_SAFE_INTEGER) throw badNumber(field, offset, 'is too large');
    }
    if (negative && field !== 'mtime') throw badNumber(field, offset, 'is negative');
    return negative ? -(value + 1) : value;
  }
  const value = parseOctalField(block, start, length);
  if (value !== null) return value;
  const blank = block.subarray(start, start + length).every((byte) => byte === 0 || byte === SPACE);
  if (blank && emptyIsZero) return 0;
  throw badNumber(field, offset, blank ? 'is empty' : 'is not a number');
}

function badNumber(field: string, offset: number, what: string): TarFormatError {
  return new TarFormatError(`the ${field} field of the tar header at byte offset ${offset} ${what}: the archive is damaged or was not written by tar`, offset);
}

/**
 * Parses pax extended-header records ("<length> <key>=<value>\n"). An empty value is kept as ''
 * (pax: the keyword reverts to the header's own value). Malformed records are an error.
 */
export function parsePaxRecords(data: Buffer, offset: number): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    if (data[position] === 0 && data.subarray(position).every((byte) => byte === 0)) break;
    const space = data.indexOf(SPACE, position);
    const digits = space - position;
    let length = digits > 0 && digits <= 16 ? 0 : NaN;
    for (let index = position; index < space && !Number.isNaN(length); index++) {
      const byte = data[index] as number;
      length = byte >= 0x30 && byte <= 0x39 ? length * 10 + (byte - 0x30) : NaN;
    }
    const end = position + length;
    if (!Number.isSafeInteger(length) || length <= digits + 1 || end > data.length || data[end - 1] !== 0x0a) {
      throw new TarFormatError(`malformed pax extended header record at byte ${position} of the header at byte offset ${offset}: the archive is damaged`, offset);
    }
    const equals = data.indexOf(0x3d, space + 1);
    if (equals === -1 || equals >= end - 1 || equals === space + 1) {
      throw new TarFormatError(`pax extended header record without a key=value at byte ${position} of the header at byte offset ${offset}: the archive is damaged`, offset);
    }
    records.set(data.toString('utf8', space + 1, equals), data.toString('utf8', equals + 1, end - 1));
    position = end;
  }
  return records;
}
