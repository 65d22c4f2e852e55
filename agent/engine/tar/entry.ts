/**
 * What the tar engine knows about one archive member, and the errors it raises. Every error has a
 * stable `code` for programs and a message that says what happened and what to do next.
 */

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Member name as the archive spells it (pax `path`, GNU long name or ustar prefix/name). */
  path: string;
  type: TarEntryType;
  /** Logical size; for sparse files the real size (GNU.sparse.realsize). */
  size: number;
  /** Data bytes the member occupies in the archive (for sparse 1.0 files: the sparse map + data). */
  storedSize: number;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch; fractional when the archive carries sub-second precision (pax). */
  mtime: number;
  /** Symlink target or hard link target; null for other types. */
  linkTarget: string | null;
  sparse: boolean;
  /** SHA-256 (hex) of the member's stored data bytes; files only, null for other types. */
  sha256: string | null;
  /**
   * Added field: the checksum (hex) of the member's stored data with the parser's `checksum`
   * algorithm (SHA-256 or CRC-32); files only, null for other types or when checksums are off.
   */
  checksum?: string | null;
  /** Byte offset in the stream of the member's first header (its pax or GNU long-name header when it has one). */
  headerOffset: number;
  /** Byte offset in the stream of the member's first data byte (added field: lets verify/restore seek to the data). */
  dataOffset: number;
  /**
   * Added field: true when the member's pax records (its own or global ones) carry keys beyond name,
   * link, size, ids, owner names and times, e.g. extended attributes, ACLs or a sparse map.
   */
  paxExtras?: boolean;
  /** The raw typeflag character ('0', '5', '2', …), for callers that need more than `type`. */
  typeflag: string;
}

export type TarErrorCode = 'TAR_FORMAT' | 'LIMIT' | 'TAR_FAILED' | 'ABORTED' | 'BAD_PATH';

/** What a restore did before it ended (also attached to the error when it failed). */
export interface ExtractResult {
  /** Members handed to tar for extraction. */
  extracted: number;
  /** Logical bytes of those members. */
  bytes: number;
  /** Members refused by the safety rules or caps, with the reason (at most 10,000 listed). */
  skipped: Array<{ path: string; reason: string }>;
  /** How many members were refused in all (may exceed skipped.length). */
  skippedCount: number;
  /** Members left out because `select` returned false (not listed). */
  unselected: number;
  /** tar's stderr lines. */
  warnings: string[];
}

/** Base of every error the tar engine raises. */
export class TarError extends Error {
  /** For safeExtract failures: what had been restored (and skipped) before it stopped. */
  result: ExtractResult | undefined;
  constructor(
    readonly code: TarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TarError';
  }
}

/** The stream is not a valid tar archive (bad checksum, truncated, malformed pax record…). */
export class TarFormatError extends TarError {
  override readonly code = 'TAR_FORMAT' as const;
  constructor(
    message: string,
    /** Byte offset in the stream where the problem was found. */
    readonly offset: number,
  ) {
    super('TAR_FORMAT', message);
    this.name = 'TarFormatError';
  }
}

/** A restore cap (entries, bytes, depth) was exceeded; the restore was stopped. */
export class TarLimitError extends TarError {
  override readonly code = 'LIMIT' as const;
  constructor(message: string) {
    super('LIMIT', message);
    this.name = 'TarLimitError';
  }
}

/** GNU tar failed (exit status 2, could not start, killed). */
export class TarToolError extends TarError {
  constructor(
    code: 'TAR_FAILED' | 'ABORTED',
    message: string,
    readonly stderr: string = '',
  ) {
    super(code, message);
    this.name = 'TarToolError';
  }
}
