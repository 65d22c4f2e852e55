/**
 * Writes the header blocks of plain archive members (directories, regular files, hard links,
 * symlinks) in POSIX pax format, as GNU tar writes them with `--format=pax --numeric-owner
 * --pax-option=delete=atime,delete=ctime`: a ustar header, preceded by a pax 'x' header when a
 * value does not fit it (a name or link target over 100 bytes or not ASCII, a size of 8 GiB or
 * more, an id over 2097151, a time out of range) or when the mtime has nanoseconds. Any POSIX tar
 * reads the result; GNU tar restores it exactly as its own.
 *
 * Members GNU tar must write itself (sparse files, extended attributes and ACLs, devices, FIFOs)
 * never come here: see floe-stream.ts.
 */
import { BLOCK } from './tar-header.js';

export type PlainMemberType = 'file' | 'hardlink' | 'directory' | 'symlink';

/** One member as the archive stores it. */
export interface PlainMember {
  /** Member name relative to `/`, without a trailing slash (`tmp/src/a.txt`); `.` for the root itself. */
  readonly name: string;
  readonly type: PlainMemberType;
  /** Permission bits with setuid/setgid/sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Data bytes that follow the header: the file's size for files, 0 otherwise. */
  readonly size: number;
  /** Modification time: whole seconds since the epoch (may be negative) and nanoseconds (0–999999999). */
  readonly mtimeSec: number;
  readonly mtimeNsec: number;
  /** Symlink target, or for a hard link the member name of its first link. */
  readonly linkName: string | null;
}

/** The most header bytes one member takes: a pax header of up to 12 KiB of records, and the ustar header. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** The end of an archive: two zero blocks. */
export const END_OF_ARCHIVE_BYTES = 2 * BLOCK;

const TYPEFLAG: Record<PlainMemberType, number> = { file: 0x30, hardlink: 0x31, symlink: 0x32, directory: 0x35 };
const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;
const ASCII_ONLY = /^[\x20-\x7e]*$/;

/**
 * Writes `member`'s header blocks into `target` at `offset` (at least MAX_HEADER_BYTES free; the
 * bytes need not be zeroed) and returns how many bytes they take. Throws when a name or link
 * target is too long to be a real path (over 4096 bytes).
 */
export function writeMemberHeaders(target: Buffer, offset: number, member: PlainMember): number {
  const name = member.type === 'directory' ? `${member.name}/` : member.name;
  const link = member.linkName ?? '';
  let records = '';
  if (name.length > 100 || !ASCII_ONLY.test(name)) records += paxRecord('path', name);
  if (link.length > 100 || !ASCII_ONLY.test(link)) records += paxRecord('linkpath', link);
  if (member.size > MAX_OCTAL_11) records += paxRecord('size', String(member.size));
  if (member.uid > MAX_OCTAL_7) records += paxRecord('uid', String(member.uid));
  if (member.gid > MAX_OCTAL_7) records += paxRecord('gid', String(member.gid));
  const wholeSeconds = member.mtimeSec >= 0 && member.mtimeSec <= MAX_OCTAL_11;
  if (member.mtimeNsec !== 0 || !wholeSeconds) records += paxRecord('mtime', paxTime(member.mtimeSec, member.mtimeNsec));

  let at = offset;
  if (records !== '') {
    const length = Buffer.byteLength(records);
    if (length > MAX_HEADER_BYTES - 3 * BLOCK) throw new RangeError(`a name or link target of ${member.name.slice(0, 80)}… is too long to archive (${length} bytes of pax records)`);
    ustarHeader(target, at, PAX_HEADER_NAME, 0o644, 0, 0, length, wholeSeconds ? member.mtimeSec : 0, 0x78, '');
    at += BLOCK;
    target.write(records, at, length, 'utf8');
    const end = at + Math.ceil(length / BLOCK) * BLOCK;
    target.fill(0, at + length, end);
    at = end;
  }
  ustarHeader(
    target,
    at,
    truncateBytes(name, 100),
    member.mode,
    member.uid > MAX_OCTAL_7 ? 0 : member.uid,
    member.gid > MAX_OCTAL_7 ? 0 : member.gid,
    member.size > MAX_OCTAL_11 ? 0 : member.size,
    wholeSeconds ? member.mtimeSec : 0,
    TYPEFLAG[member.type],
    truncateBytes(link, 100),
  );
  return at + BLOCK - offset;
}

/** Writes the end-of-archive marker (two zero blocks) at `offset` and returns its length. */
export function writeEndOfArchive(target: Buffer, offset: number): number {
  target.fill(0, offset, offset + END_OF_ARCHIVE_BYTES);
  return END_OF_ARCHIVE_BYTES;
}

/** "LEN key=value\n", where LEN counts the whole record, its own digits included. */
export function paxRecord(key: string, value: string): string {
  const body = Buffer.byteLength(key) + Buffer.byteLength(value) + 3; // " ", "=", "\n"
  let length = body + String(body).length;
  if (String(length).length > String(body).length) length += 1;
  return `${length} ${key}=${value}\n`;
}

/** A pax time value: seconds with the nanoseconds as a fraction, trailing zeros dropped ("-1.5" for sec -2, nsec 5e8). */
export function paxTime(sec: number, nsec: number): string {
  if (nsec === 0) return String(sec);
  const negative = sec < 0;
  const whole = negative ? -(sec + 1) : sec;
  const fraction = String(negative ? 1e9 - nsec : nsec).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/**
 * The name of every pax 'x' header: a pax reader never uses it (star and other tars write the
 * same); an old reader that knows no pax extracts it as a plain file.
 */
const PAX_HEADER_NAME = '././@PaxHeader';

/** The longest prefix of `text` whose UTF-8 fits in `bytes` (never splitting a character). */
function truncateBytes(text: string, bytes: number): string {
  if (text.length <= bytes && ASCII_ONLY.test(text)) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Writes `value` as `width - 1` octal digits and a NUL (byte by byte: no string per field); returns the bytes' sum. */
function octal(target: Buffer, at: number, width: number, value: number): number {
  let rest = value;
  let sum = 0;
  for (let index = at + width - 2; index >= at; index -= 1) {
    const digit = 0x30 + (rest % 8);
    target[index] = digit;
    sum += digit;
    rest = Math.floor(rest / 8);
  }
  target[at + width - 1] = 0;
  return sum;
}

/** A ustar header's constant part: zeros, the magic "ustar\0" and version "00". */
const TEMPLATE = Buffer.alloc(BLOCK);
TEMPLATE.write('ustar\u000000', 257, 8, 'latin1');
/** The template's byte sum, its checksum field counted as eight spaces. */
const TEMPLATE_SUM = TEMPLATE.reduce((sum, byte) => sum + byte, 0) + 8 * 0x20;

/** The sum of `length` bytes of `target` from `at`. */
function byteSum(target: Buffer, at: number, length: number): number {
  let sum = 0;
  for (let index = at; index < at + length; index += 1) sum += target[index] as number;
  return sum;
}

/**
 * One ustar header block (uname/gname empty: numeric owners only). The checksum counts its own
 * field as eight spaces and is written as six octal digits, NUL, space; it is summed from the
 * template and the fields written, not from all 512 bytes again.
 */
function ustarHeader(target: Buffer, at: number, name: string, mode: number, uid: number, gid: number, size: number, mtime: number, typeflag: number, linkName: string): void {
  TEMPLATE.copy(target, at);
  let sum = TEMPLATE_SUM + byteSum(target, at, target.write(name, at, 100, 'utf8'));
  sum += octal(target, at + 100, 8, mode);
  sum += octal(target, at + 108, 8, uid);
  sum += octal(target, at + 116, 8, gid);
  sum += octal(target, at + 124, 12, size);
  sum += octal(target, at + 136, 12, mtime);
  target[at + 156] = typeflag;
  sum += typeflag;
  if (linkName !== '') sum += byteSum(target, at + 157, target.write(linkName, at + 157, 100, 'utf8'));
  octal(target, at + 148, 7, sum);
  target[at + 155] = 0x20;
}
