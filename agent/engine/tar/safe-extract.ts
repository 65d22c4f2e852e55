/**
 * Restores an untrusted tar stream into a target directory. Our parser reads the stream, the
 * ExtractPolicy decides on each member, and only accepted members are written, by one of two writers:
 *   - the DirectWriter (direct-writer.ts) for plain files of `directMinBytes` (DIRECT_MIN_BYTES,
 *     32 MiB) and more: no pipe, no extra copies, what GNU tar does with the flags below;
 *   - GNU tar for smaller files and any member with extended attributes, ACLs or sparse data: the
 *     member's header blocks and data, byte-exact, go to a tar session, which writes in its own
 *     process while we parse on.
 * Directories, symlinks and hard links go where the previous member went (the direct writer at the
 * start), so they never cause a switch.
 * What the parser asks for is queued per input chunk and carried out in stream order: a direct
 * write first ends the open tar session (waits for tar), so the two writers never overlap, and the
 * next tar member starts a new session. Directories tar creates get their owner, mode and times
 * again at the very end, after any direct write into them (as --delay-directory-restore would).
 * `direct: false` sends every member to GNU tar; `directMinBytes: 0` writes every plain member
 * (directories, symlinks, hard links too) directly (the tests run the hostile corpus both ways).
 *
 * GNU tar flags, and why:
 *   --extract --file=- --directory=TARGET   read the filtered stream from stdin, write under TARGET
 *   (no --absolute-names)                    tar keeps stripping '/' and refusing '..' itself too
 *   (no --overwrite)                          new files are opened O_EXCL, so an existing symlink is
 *                                             replaced, never written through
 *   --no-overwrite-dir                        an existing directory (or symlink to one) keeps its
 *                                             owner and mode
 *   --delay-directory-restore                 directory modes/times are set at the end, so a 0500
 *                                             directory in the archive does not block its contents
 *   --numeric-owner                           backups store ids only (tar-create uses it too)
 *   --same-owner | --no-same-owner            owners are restored only when running as root
 *   --read-full-records --blocking-factor=128 we write the stream in arbitrary pieces; tar reblocks
 *                                             them into 64 KiB records (one pipe-full per read)
 *   --xattrs --xattrs-include=user.*         extended attributes saved as pax SCHILY.xattr.* come back
 *     --warning=xattr-write                  (user.* only; with keepSpecialBits also security.* and
 *                                             trusted.*, which carry privileges such as file
 *                                             capabilities); a filesystem that refuses one is a warning
 *                                             line (exit 0), never a failed restore
 *   --acls                                   POSIX ACLs saved as pax SCHILY.acl.* come back (where
 *                                             this tar has ACL support; like the mode bits, which
 *                                             they extend)
 * Setuid, setgid and sticky bits are cleared in each member's header before tar sees it unless the
 * caller passes keepSpecialBits (special-bits.ts).
 * On any failure tar is stopped; what it had already written under TARGET stays there, and the
 * error's `result` says what was restored and skipped until then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, lstatSync, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { TarError, TarToolError, type ExtractResult, type TarEntry } from './entry.js';
import { DEFAULT_EXTRACT_LIMITS, ExtractPolicy, type ExtractLimits } from './extract-policy.js';
import { DEFAULT_TAR, TAR_ENV, collectStderr, exitFailure, spawnFailure, stopChild, tarFeatures } from './gnu-tar.js';
import { BLOCK } from './tar-header.js';
import { TarParser } from './tar-parser.js';
import { DirectWriteError, DirectWriter } from './direct-writer.js';
import { stripSpecialBits } from './special-bits.js';

export type { ExtractLimits } from './extract-policy.js';
export { DEFAULT_EXTRACT_LIMITS } from './extract-policy.js';

export interface SafeExtractOptions {
  limits?: Partial<ExtractLimits>;
  /** Restore only members for which this returns true (called with the normalised name, no leading "./"). */
  select?: (path: string) => boolean;
  tarCommand?: string;
  signal?: AbortSignal;
  /** Called for every member after its data passed, with whether it was handed to tar (added option). */
  onEntry?: (entry: TarEntry, accepted: boolean) => void;
  /** Hash file data while restoring (added option; default false; sha256 then reaches onEntry). */
  hash?: boolean;
  /** Keep setuid, setgid and sticky bits, and restore security.* / trusted.* xattrs (added option; default false). */
  keepSpecialBits?: boolean;
  /**
   * Write plain members (files, directories, symlinks, hard links) ourselves (added option; default
   * true): see direct-writer.ts. Members with extended attributes, ACLs or sparse data always go to
   * GNU tar; false sends every member to tar.
   */
  direct?: boolean;
  /**
   * Files at least this big are written directly, smaller ones by GNU tar (added option; default
   * DIRECT_MIN_BYTES). 0: every plain member (directories, symlinks and hard links too) is written directly.
   */
  directMinBytes?: number;
}

const MAX_LISTED_SKIPS = 10_000;

export function tarExtractArgs(target: string, options: { keepSpecialBits?: boolean; tarCommand?: string } = {}): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const namespaces = options.keepSpecialBits ? ['user.*', 'security.*', 'trusted.*'] : ['user.*'];
  const features = tarFeatures(options.tarCommand ?? DEFAULT_TAR);
  const xattrs = features.xattrs ? ['--xattrs', ...namespaces.map((pattern) => `--xattrs-include=${pattern}`), '--warning=xattr-write'] : [];
  return [
    '--extract',
    '--file=-',
    `--directory=${target}`,
    '--no-overwrite-dir',
    '--delay-directory-restore',
    '--numeric-owner',
    root ? '--same-owner' : '--no-same-owner',
    '--read-full-records',
    '--blocking-factor=128',
    ...xattrs,
    ...(features.acls ? ['--acls'] : []),
  ];
}

export async function safeExtract(input: Readable, target: string, options: SafeExtractOptions = {}): Promise<ExtractResult> {
  if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TarError('BAD_PATH', `the restore target ${target} is not an existing directory; create it first`);
  }
  const result: ExtractResult = { extracted: 0, bytes: 0, skipped: [], skippedCount: 0, unselected: 0, warnings: [] };
  const policy = new ExtractPolicy(target, { ...DEFAULT_EXTRACT_LIMITS, ...options.limits }, options.select);
  const command = options.tarCommand ?? DEFAULT_TAR;
  const keepSpecialBits = options.keepSpecialBits === true;
  const args = tarExtractArgs(target, { keepSpecialBits, tarCommand: command });
  const owners = runningAsRoot();
  const direct = options.direct === false ? null : new DirectWriter(target, { keepSpecialBits, owners, umask: currentUmask() });
  const directMinBytes = options.directMinBytes ?? DIRECT_MIN_BYTES;
  const hint = `check that ${target} is writable and has room, then run the restore again`;
  const tarLines: string[] = [];
  let session: TarSession | null = null;
  /** Directories the current tar session creates (non-root: made writable again when it ends). */
  let sessionDirs: Array<{ full: string; mode: number }> = [];
  const tarGlobals: Buffer[][] = [];
  /** What the parser asked for in the current input chunk, carried out in order once it is parsed. */
  const ops: Op[] = [];
  let route: 'tar' | 'direct' | null = null;
  /** Where the last accepted member went. */
  let lastRoute: 'tar' | 'direct' = 'direct';
  let failure: Error | null = null;

  const openSession = (): TarSession => {
    if (session) return session;
    session = new TarSession(command, args);
    for (const raw of tarGlobals) for (const block of raw) session.push(block);
    return session;
  };
  /** Ends the open tar session and waits for tar; its failure becomes the restore's. */
  const closeSession = async (): Promise<void> => {
    const open = session;
    if (!open) return;
    session = null;
    const exit = await open.end();
    tarLines.push(...open.stderr.lines);
    // tar has applied its directories' final modes; without root, one without owner write would
    // refuse the direct writer's files (their modes are applied again at the very end).
    if (!owners) for (const dir of sessionDirs) if ((dir.mode & 0o300) !== 0o300) chmodIfDirectory(dir.full, dir.mode | 0o700);
    sessionDirs = [];
    if (failure) return;
    if (exit.error) failure = spawnFailure(command, args, exit.error);
    else if (exit.code !== 0) failure = exitFailure(command, args, exit.code, exit.signal, open.stderr.lines, hint);
  };
  /** Carries out the parsed chunk's ops: tar's go to the open (or a new) session, the direct writer's wait for tar to end first. */
  const execute = async (): Promise<void> => {
    for (const op of ops) {
      if (failure) break; // (a break inside the switch below only skips that op: failure then ends the loop here)
      switch (op.kind) {
        case 'tar': {
          if (op.directory && direct) {
            // tar sets its directories' metadata when its session ends; later direct writes would
            // change their times, so a directory this restore creates gets them again at the end.
            const full = `${target}/${op.directory.path}`;
            if (op.directory.path !== '' && !lstatSync(full, { throwIfNoEntry: false })) {
              direct.adopt(op.directory.entry, op.directory.path);
              sessionDirs.push({ full, mode: op.directory.entry.mode });
            }
          }
          const tar = openSession();
          for (const block of op.blocks) tar.push(block);
          break;
        }
        case 'global':
          tarGlobals.push(op.blocks);
          if (session) for (const block of op.blocks) session.push(block);
          break;
        default: {
          if (session) await closeSession();
          if (failure) break;
          const writer = direct as DirectWriter;
          if (op.kind === 'begin') writer.begin(op.entry, op.path);
          else if (op.kind === 'data') writer.data(op.slice);
          else writer.end();
        }
      }
    }
    ops.length = 0;
    const open = session as TarSession | null;
    if (open) {
      open.flush();
      await open.drained();
    }
  };
  const onAbort = (): void => {
    failure ??= new TarToolError('ABORTED', `the restore into ${target} was cancelled; tar was stopped (files restored so far stay in place)`);
    session?.stop();
    input.destroy();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const parser = new TarParser(
    {
      member: (entry, raw) => {
        const decision = policy.decide(entry);
        route = null;
        if (decision.accept) {
          result.extracted++;
          result.bytes += entry.size;
          const path = decision.path;
          // Directories and links cost the same either way: they follow the previous member, so
          // that they never cause a switch (which waits for tar to end).
          const plain = direct !== null && !entry.sparse && entry.paxExtras !== true;
          const byUs = plain && (entry.type === 'file' ? entry.size >= directMinBytes : directMinBytes === 0 || lastRoute === 'direct');
          lastRoute = byUs ? 'direct' : 'tar';
          if (byUs) {
            route = 'direct';
            ops.push({ kind: 'begin', entry, path });
          } else {
            route = 'tar';
            ops.push({ kind: 'tar', blocks: keepSpecialBits ? raw : stripSpecialBits(raw), directory: entry.type === 'directory' ? { entry, path } : null });
          }
        } else if (decision.reason === null) {
          result.unselected++;
        } else {
          result.skippedCount++;
          if (result.skipped.length < MAX_LISTED_SKIPS) result.skipped.push({ path: entry.path, reason: decision.reason });
        }
      },
      data: (slice, padding) => {
        if (route === 'tar') ops.push({ kind: 'tar', blocks: [slice], directory: null });
        else if (route === 'direct' && !padding) ops.push({ kind: 'data', slice });
      },
      entry: (entry) => {
        if (route === 'direct') ops.push({ kind: 'end' });
        options.onEntry?.(entry, route !== null);
        route = null;
      },
      global: (raw) => {
        ops.push({ kind: 'global', blocks: [...raw] });
      },
    },
    { hash: options.hash ?? false },
  );

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      if (failure) break;
      try {
        parser.write(chunk);
      } finally {
        await execute();
      }
      if (parser.finished) break;
      if ((session as TarSession | null)?.exited) break;
    }
    if (!failure && !(session as TarSession | null)?.exited) parser.end();
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
    (session as TarSession | null)?.stop();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    direct?.abort();
  }
  await closeSession();
  if (direct) {
    direct.finish();
    tarLines.push(...direct.errors);
  }
  result.warnings = tarLines;
  if (!failure && direct && direct.errors.length > 0) {
    failure = new TarToolError('TAR_FAILED', `${direct.errors[0] as string}${direct.errors.length > 1 ? ` (and ${direct.errors.length - 1} more)` : ''}; ${hint}`, direct.errors.join('\n'));
  }
  if (failure) {
    if (failure instanceof DirectWriteError) failure = new TarToolError('TAR_FAILED', `${failure.line}; ${hint}`, failure.line);
    if (failure instanceof TarError) failure.result = result;
    throw failure;
  }
  return result;
}

/**
 * Files at least this big are written by the direct writer by default; smaller members go to GNU
 * tar, which then writes them in its own process while this thread parses (two cores at work). A
 * switch from tar to the direct writer waits for tar to end (a few milliseconds), which only a big
 * file repays; the direct path saves about a third of the CPU per byte (no pipe, no extra copies).
 */
export const DIRECT_MIN_BYTES = 32 * 1024 * 1024;

/** Stream bytes that may wait in tar's stdin before parsing pauses. */
const TAR_AHEAD_BYTES = 8 * 1024 * 1024;

type Op =
  | { kind: 'tar'; blocks: readonly Buffer[]; directory: { entry: TarEntry; path: string } | null }
  | { kind: 'global'; blocks: Buffer[] }
  | { kind: 'begin'; entry: TarEntry; path: string }
  | { kind: 'data'; slice: Buffer }
  | { kind: 'end' };

function chmodIfDirectory(full: string, mode: number): void {
  try {
    if (lstatSync(full).isDirectory()) chmodSync(full, mode & 0o7777);
  } catch {
    // gone or not ours to change: the direct writer's own error says so if it matters
  }
}

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

let umaskCache: number | null = null;

/** The process umask (read once; worker threads may read it but not set it). */
function currentUmask(): number {
  umaskCache ??= process.umask();
  return umaskCache;
}

/** One GNU tar extracting the members routed to it, fed through its stdin. */
class TarSession {
  private readonly child: ChildProcess;
  private readonly stdin: Writable;
  private readonly closed: Promise<ChildEnd>;
  private readonly forward: Coalescer;
  readonly stderr: ReturnType<typeof collectStderr>;

  constructor(command: string, args: string[]) {
    this.child = spawn(command, args, { env: TAR_ENV, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    this.stderr = collectStderr(this.child);
    this.closed = childClosed(this.child);
    this.stdin = this.child.stdin as Writable;
    this.stdin.on('error', () => undefined); // EPIPE when tar stops early; its exit status says why
    this.forward = new Coalescer(this.stdin);
  }

  get exited(): boolean {
    return exited(this.child);
  }

  push(block: Buffer): void {
    this.forward.push(block);
  }

  flush(): void {
    this.forward.flush();
  }

  /**
   * Resolves at once while less than TAR_AHEAD_BYTES wait for tar, else once tar has taken them all
   * (or has exited). Waiting for every write (the stream's own 16 KiB mark) made us and tar take
   * turns per input chunk; with a few MiB ahead, tar writes while we parse the next chunk.
   */
  async drained(): Promise<void> {
    if (this.stdin.writableLength > TAR_AHEAD_BYTES) await Promise.race([once(this.stdin, 'drain'), this.closed]);
  }

  /** Writes the end-of-archive marker, closes stdin and waits for tar. */
  end(): Promise<ChildEnd> {
    if (!this.exited) {
      this.forward.push(Buffer.alloc(2 * BLOCK));
      this.forward.flush();
    }
    this.stdin.end();
    return this.closed;
  }

  stop(): void {
    stopChild(this.child);
  }
}

/**
 * Joins forwarded slices that lie next to each other in the same input chunk (the usual case: every
 * member accepted), so tar gets one write per input chunk instead of several per member.
 */
class Coalescer {
  private pending: Buffer | null = null;
  private pendingLength = 0;

  constructor(private readonly out: Writable) {}

  push(slice: Buffer): void {
    const pending = this.pending;
    if (pending && slice.buffer === pending.buffer && slice.byteOffset === pending.byteOffset + this.pendingLength) {
      this.pendingLength += slice.length;
      return;
    }
    this.flush();
    this.pending = slice;
    this.pendingLength = slice.length;
  }

  flush(): void {
    if (!this.pending) return;
    const { buffer, byteOffset } = this.pending;
    this.out.write(Buffer.from(buffer, byteOffset, this.pendingLength));
    this.pending = null;
    this.pendingLength = 0;
  }
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  error: NodeJS.ErrnoException | null;
}

function childClosed(child: ChildProcess): Promise<ChildEnd> {
  let error: NodeJS.ErrnoException | null = null;
  child.once('error', (spawnError: NodeJS.ErrnoException) => (error = spawnError));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, error })));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
