/**
 * A streaming tar parser: feed it the archive in chunks of any size; it parses headers (ustar, pax
 * 'x'/'g', GNU 'L'/'K', old GNU sparse), checksums each file's data (SHA-256 or CRC-32) slice by
 * slice (no copies, no per-byte loops over data) and reports each member to a sink. The sink also receives
 * every member's raw header blocks and data slices, so a caller can forward chosen members
 * byte-exact (safe-extract does).
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32Hex, fastCrc32, type ChecksumAlgorithm } from '../checksum.js';
import { TarFormatError, type TarEntry, type TarEntryType } from './entry.js';
import { BLOCK, ZERO_BLOCK, padded, parseHeader, parsePaxRecords, verifyChecksum, type HeaderBlock } from './tar-header.js';

/** A member as known once its headers are read (sha256 still null). */
export type TarMemberHeader = TarEntry;

export interface TarParserSink {
  /** A member's headers are complete: `raw` are its header blocks (pax/long-name headers with their data, then the main header). */
  member?(entry: TarMemberHeader, raw: readonly Buffer[]): void;
  /** A slice of the current member's data, or of its block padding (`padding` true). */
  data?(slice: Buffer, padding: boolean): void;
  /** The current member's data has passed; sha256 is set for files when hashing is on. */
  entry?(entry: TarEntry): void;
  /** A global pax header ('g'), as its raw blocks. */
  global?(raw: readonly Buffer[]): void;
  /** The end-of-archive marker (two zero blocks) was read. */
  end?(): void;
}

export interface TarParserOptions {
  /** Hash file data with SHA-256 (default true; ignored when `checksum` is given). */
  hash?: boolean;
  /** Checksum file data with this algorithm (added option), or null for none; sets `entry.checksum` (and `sha256` for SHA-256). */
  checksum?: ChecksumAlgorithm | null;
}

/** Pax headers and long names larger than this are refused (they would only serve to exhaust memory). */
export const MAX_META_BYTES = 1024 * 1024;

type State = 'header' | 'meta' | 'sparse-ext' | 'data' | 'padding' | 'done';
type MetaKind = 'x' | 'g' | 'L' | 'K';
const META_KINDS = new Set(['x', 'g', 'L', 'K']);
/** pax keys whose meaning TarEntry carries in full; any other key (xattrs, ACLs, sparse maps…) sets `paxExtras`. */
const PLAIN_KEYS = new Set(['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime', 'atime', 'ctime', 'comment', 'charset', 'hdrcharset']);
const SPARSE_KEYS = ['GNU.sparse.major', 'GNU.sparse.map', 'GNU.sparse.numblocks', 'GNU.sparse.realsize', 'GNU.sparse.size'];
const PATH_KEYS = ['path', 'linkpath', 'size', 'GNU.sparse.name', 'GNU.sparse.major', 'GNU.sparse.map', 'GNU.sparse.numblocks', 'GNU.sparse.realsize', 'GNU.sparse.size'];

export class TarParser {
  private position = 0;
  private state: State = 'header';
  private block: Buffer | null = null;
  private blockFill = 0;
  private remaining = 0;
  private zeroBlockSeen = false;
  private memberStart = -1;
  private raw: Buffer[] = [];
  private metaKind: MetaKind = 'x';
  private metaSize = 0;
  private metaOffset = 0;
  private metaRaw: Buffer[] = [];
  private pax: Map<string, string> | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;
  private readonly globals = new Map<string, string>();
  private pendingHeader: HeaderBlock | null = null;
  private current: TarEntry | null = null;
  private hash: Hash | null = null;
  /** The current file's running CRC-32 (crc32 mode), or -1 when the member is not checksummed. */
  private crc = -1;
  private readonly algorithm: ChecksumAlgorithm | null;

  constructor(
    private readonly sink: TarParserSink,
    options: TarParserOptions = {},
  ) {
    this.algorithm = options.checksum !== undefined ? options.checksum : (options.hash ?? true) ? 'sha256' : null;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.position;
  }

  /** True once the end-of-archive marker was read. */
  get finished(): boolean {
    return this.state === 'done';
  }

  write(chunk: Buffer): void {
    let index = 0;
    const length = chunk.length;
    while (index < length) {
      if (this.state === 'data' || this.state === 'padding') {
        const take = Math.min(this.remaining, length - index);
        const slice = chunk.subarray(index, index + take);
        const padding = this.state === 'padding';
        if (!padding) {
          if (this.crc >= 0) this.crc = fastCrc32(slice, this.crc);
          else this.hash?.update(slice);
        }
        this.sink.data?.(slice, padding);
        index += take;
        this.position += take;
        this.remaining -= take;
        if (this.remaining === 0) this.afterBody();
      } else if (this.state === 'meta') {
        const take = Math.min(this.remaining, length - index);
        this.metaRaw.push(chunk.subarray(index, index + take));
        index += take;
        this.position += take;
        this.remaining -= take;
        if (this.remaining === 0) this.finishMeta();
      } else if (this.state === 'done') {
        this.position += length - index;
        index = length;
      } else {
        let block: Buffer;
        if (this.blockFill === 0 && length - index >= BLOCK) {
          block = chunk.subarray(index, index + BLOCK);
          index += BLOCK;
        } else {
          this.block ??= Buffer.allocUnsafe(BLOCK);
          const take = Math.min(BLOCK - this.blockFill, length - index);
          chunk.copy(this.block, this.blockFill, index, index + take);
          this.blockFill += take;
          index += take;
          if (this.blockFill < BLOCK) {
            this.position += take;
            continue;
          }
          block = this.block;
          this.block = null;
          this.position += take - BLOCK;
          this.blockFill = 0;
        }
        const offset = this.position;
        this.position += BLOCK;
        if (this.state === 'header') this.headerBlock(block, offset);
        else this.sparseExtensionBlock(block);
      }
    }
  }

  /** The input has ended: throws unless the end-of-archive marker was read. */
  end(): void {
    if (this.state === 'done') return;
    const where = this.current
      ? `inside the data of "${this.current.path}" (its header is at byte offset ${this.current.headerOffset})`
      : this.memberStart >= 0
        ? `inside the headers that start at byte offset ${this.memberStart}`
        : 'before the end-of-archive marker';
    throw new TarFormatError(
      `the tar archive is truncated: it ends at byte offset ${this.position}, ${where}; a media chunk of the saveset is probably missing or cut short`,
      this.position,
    );
  }

  private headerBlock(block: Buffer, offset: number): void {
    if (block[0] === 0 && block.equals(ZERO_BLOCK)) {
      if (this.memberStart >= 0) throw new TarFormatError(`a zero block at byte offset ${offset} follows an extended header instead of the member it describes: the archive is damaged`, offset);
      if (this.zeroBlockSeen) {
        this.state = 'done';
        this.sink.end?.();
      }
      this.zeroBlockSeen = true;
      return;
    }
    this.zeroBlockSeen = false;
    verifyChecksum(block, offset);
    const header = parseHeader(block, offset);
    if (META_KINDS.has(header.typeflag)) return this.startMeta(header, block, offset);
    if (this.memberStart < 0) this.memberStart = offset;
    this.raw.push(block);
    if (header.gnuSparseExtended) {
      this.pendingHeader = header;
      this.state = 'sparse-ext';
      return;
    }
    this.startMember(header);
  }

  private sparseExtensionBlock(block: Buffer): void {
    this.raw.push(block);
    if (block[504] !== 0) return;
    const header = this.pendingHeader as HeaderBlock;
    this.pendingHeader = null;
    this.state = 'header';
    this.startMember(header);
  }

  private startMeta(header: HeaderBlock, block: Buffer, offset: number): void {
    const kind = header.typeflag as MetaKind;
    const repeated = (kind === 'x' && this.pax !== null) || (kind === 'L' && this.longName !== null) || (kind === 'K' && this.longLink !== null);
    if (repeated) throw new TarFormatError(`a second '${kind}' extended header at byte offset ${offset} precedes the same member: the archive is damaged or crafted`, offset);
    if (header.size > MAX_META_BYTES) {
      throw new TarFormatError(`the '${kind}' extended header at byte offset ${offset} declares ${header.size} bytes (more than ${MAX_META_BYTES}): the archive is damaged or crafted`, offset);
    }
    if (kind !== 'g' && this.memberStart < 0) this.memberStart = offset;
    this.metaKind = kind;
    this.metaSize = header.size;
    this.metaOffset = offset;
    this.metaRaw = [block];
    this.remaining = padded(header.size);
    this.state = 'meta';
    if (this.remaining === 0) this.finishMeta();
  }

  private finishMeta(): void {
    this.state = 'header';
    const raw = this.metaRaw;
    this.metaRaw = [];
    const data = Buffer.concat(raw.slice(1)).subarray(0, this.metaSize);
    const offset = this.metaOffset;
    if (this.metaKind === 'L' || this.metaKind === 'K') {
      const nul = data.indexOf(0);
      const name = data.toString('utf8', 0, nul === -1 ? data.length : nul);
      if (this.metaKind === 'L') this.longName = name;
      else this.longLink = name;
      this.raw.push(...raw);
      return;
    }
    const records = parsePaxRecords(data, offset);
    if (this.metaKind === 'x') {
      this.pax = records;
      this.raw.push(...raw);
      return;
    }
    const renaming = PATH_KEYS.find((key) => records.has(key));
    if (renaming !== undefined) {
      throw new TarFormatError(`the global pax header at byte offset ${offset} sets "${renaming}", which would apply to every following member; Floe refuses such archives`, offset);
    }
    for (const [key, value] of records) {
      if (value === '') this.globals.delete(key);
      else this.globals.set(key, value);
    }
    this.sink.global?.(raw);
  }

  private startMember(header: HeaderBlock): void {
    const offset = this.memberStart;
    const pax = this.pax;
    const get = (key: string): string | undefined => {
      const value = pax?.get(key);
      return value === undefined || value === '' ? this.globals.get(key) : value;
    };
    const declaredSize = paxInteger(get('size'), 'size', offset) ?? header.size;
    // As GNU tar 1.34 reads them: hard links and directories never carry data, whatever their size field says.
    const storedSize = header.typeflag === '1' || header.typeflag === '5' ? 0 : declaredSize;
    const sparse = header.typeflag === 'S' || ((pax !== null || this.globals.size > 0) && SPARSE_KEYS.some((key) => get(key) !== undefined));
    const realSize = paxInteger(get('GNU.sparse.realsize'), 'GNU.sparse.realsize', offset) ?? paxInteger(get('GNU.sparse.size'), 'GNU.sparse.size', offset);
    const path = get('GNU.sparse.name') ?? get('path') ?? this.longName ?? header.name;
    const type = entryType(header.typeflag, path);
    const linked = type === 'symlink' || type === 'hardlink';
    const entry: TarEntry = {
      path,
      type,
      size: sparse ? (realSize ?? (header.typeflag === 'S' ? header.gnuRealSize : storedSize)) : storedSize,
      storedSize,
      mode: header.mode,
      uid: paxInteger(get('uid'), 'uid', offset) ?? header.uid,
      gid: paxInteger(get('gid'), 'gid', offset) ?? header.gid,
      uname: get('uname') ?? header.uname,
      gname: get('gname') ?? header.gname,
      mtime: paxTime(get('mtime'), offset) ?? header.mtime,
      linkTarget: linked ? (get('linkpath') ?? this.longLink ?? header.linkname) : null,
      sparse,
      sha256: null,
      checksum: null,
      headerOffset: offset,
      dataOffset: this.position,
      typeflag: header.typeflag,
      paxExtras: hasExtras(pax) || hasExtras(this.globals),
    };
    this.pax = null;
    this.longName = null;
    this.longLink = null;
    this.current = entry;
    this.hash = this.algorithm === 'sha256' && type === 'file' ? createHash('sha256') : null;
    this.crc = this.algorithm === 'crc32' && type === 'file' ? 0 : -1;
    this.sink.member?.(entry, this.raw);
    this.raw = [];
    this.remaining = storedSize;
    this.state = 'data';
    if (storedSize === 0) this.afterBody();
  }

  private afterBody(): void {
    if (this.state === 'data') {
      const current = this.current as TarEntry;
      this.remaining = padded(current.storedSize) - current.storedSize;
      this.state = 'padding';
      if (this.remaining > 0) return;
    }
    const entry = this.current as TarEntry;
    if (this.hash) entry.sha256 = entry.checksum = this.hash.digest('hex');
    else if (this.crc >= 0) entry.checksum = crc32Hex(this.crc);
    this.hash = null;
    this.crc = -1;
    this.current = null;
    this.memberStart = -1;
    this.state = 'header';
    this.sink.entry?.(entry);
  }
}

function hasExtras(records: ReadonlyMap<string, string> | null): boolean {
  if (records === null) return false;
  for (const key of records.keys()) if (!PLAIN_KEYS.has(key)) return true;
  return false;
}

function entryType(typeflag: string, path: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '\0':
    case '7':
    case 'S':
      return path.endsWith('/') ? 'directory' : 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

function paxInteger(value: string | undefined, key: string, offset: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(number)) {
    throw new TarFormatError(`the pax ${key} value "${value.slice(0, 40)}" of the member at byte offset ${offset} is not a valid number: the archive is damaged`, offset);
  }
  return number;
}

function paxTime(value: string | undefined, offset: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d{1,15}(\.\d+)?$/.test(value)) {
    throw new TarFormatError(`the pax mtime value "${value.slice(0, 40)}" of the member at byte offset ${offset} is not a valid time: the archive is damaged`, offset);
  }
  return Number(value);
}
