/**
 * Restores an untrusted tar stream into a target directory. Our parser reads the stream, the
 * ExtractPolicy decides on each member, and only accepted members (their header blocks and data,
 * byte-exact) are forwarded to GNU tar, which does the actual writing with its own protections on.
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
 * Setuid, setgid and sticky bits are cleared in each member's header before tar sees it unless the
 * caller passes keepSpecialBits (special-bits.ts).
 * On any failure tar is stopped; what it had already written under TARGET stays there, and the
 * error's `result` says what was restored and skipped until then.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { TarError, TarToolError, type ExtractResult, type TarEntry } from './entry.js';
import { DEFAULT_EXTRACT_LIMITS, ExtractPolicy, type ExtractLimits } from './extract-policy.js';
import { DEFAULT_TAR, TAR_ENV, collectStderr, exitFailure, spawnFailure, stopChild, tarFeatures } from './gnu-tar.js';
import { BLOCK } from './tar-header.js';
import { TarParser } from './tar-parser.js';
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
}

const MAX_LISTED_SKIPS = 10_000;

export function tarExtractArgs(target: string, options: { keepSpecialBits?: boolean; tarCommand?: string } = {}): string[] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const namespaces = options.keepSpecialBits ? ['user.*', 'security.*', 'trusted.*'] : ['user.*'];
  const xattrs = tarFeatures(options.tarCommand ?? DEFAULT_TAR).xattrs ? ['--xattrs', ...namespaces.map((pattern) => `--xattrs-include=${pattern}`), '--warning=xattr-write'] : [];
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
  ];
}

export async function safeExtract(input: Readable, target: string, options: SafeExtractOptions = {}): Promise<ExtractResult> {
  if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TarError('BAD_PATH', `the restore target ${target} is not an existing directory; create it first`);
  }
  const result: ExtractResult = { extracted: 0, bytes: 0, skipped: [], skippedCount: 0, unselected: 0, warnings: [] };
  const policy = new ExtractPolicy(target, { ...DEFAULT_EXTRACT_LIMITS, ...options.limits }, options.select);
  const command = options.tarCommand ?? DEFAULT_TAR;
  const args = tarExtractArgs(target, { keepSpecialBits: options.keepSpecialBits === true, tarCommand: command });
  const keepSpecialBits = options.keepSpecialBits === true;
  const child = spawn(command, args, { env: TAR_ENV, stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
  const stderr = collectStderr(child);
  const closed = childClosed(child);
  const stdin = child.stdin as Writable;
  stdin.on('error', () => undefined); // EPIPE when tar stops early; its exit status says why
  let failure: Error | null = null;
  const onAbort = (): void => {
    failure ??= new TarToolError('ABORTED', `the restore into ${target} was cancelled; tar was stopped (files restored so far stay in place)`);
    stopChild(child);
    input.destroy();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let forwarding = false;
  const forward = new Coalescer(stdin);
  const parser = new TarParser(
    {
      member: (entry, raw) => {
        const decision = policy.decide(entry);
        forwarding = decision.accept;
        if (decision.accept) {
          result.extracted++;
          result.bytes += entry.size;
          for (const block of keepSpecialBits ? raw : stripSpecialBits(raw)) forward.push(block);
        } else if (decision.reason === null) {
          result.unselected++;
        } else {
          result.skippedCount++;
          if (result.skipped.length < MAX_LISTED_SKIPS) result.skipped.push({ path: entry.path, reason: decision.reason });
        }
      },
      data: (slice) => {
        if (forwarding) forward.push(slice);
      },
      entry: (entry) => options.onEntry?.(entry, forwarding),
      global: (raw) => {
        for (const block of raw) forward.push(block);
      },
      end: () => {
        forward.push(Buffer.alloc(2 * BLOCK));
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
        forward.flush();
      }
      if (parser.finished) break;
      if (stdin.writableNeedDrain) await Promise.race([once(stdin, 'drain'), closed]);
      if (exited(child)) break;
    }
    if (!failure && !exited(child)) parser.end();
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
    stopChild(child);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stdin.end();
  }
  const exit = await closed;
  result.warnings = stderr.lines;
  if (!failure && exit.error) failure = spawnFailure(command, args, exit.error);
  if (!failure && exit.code !== 0) {
    failure = exitFailure(command, args, exit.code, exit.signal, stderr.lines, `check that ${target} is writable and has room, then run the restore again`);
  }
  if (failure) {
    if (failure instanceof TarError) failure.result = result;
    throw failure;
  }
  return result;
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
