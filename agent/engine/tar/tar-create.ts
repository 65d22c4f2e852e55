/**
 * The backup data path's producer: GNU tar writes the saveset stream from the list of members our
 * own scan chose. We never let tar walk directories itself; we feed it exactly one name per member.
 *
 * GNU tar flags, and why:
 *   --create --file=-              write the archive to stdout (never tar's compiled-in default device)
 *   --format=pax                   POSIX pax: no limits on names, sizes, ids; sub-second mtimes;
 *                                  any POSIX tar (GNU, bsdtar, busybox for plain members) restores it
 *   --pax-option=delete=atime,delete=ctime
 *                                  keep only mtime in the per-file pax header: atime/ctime cannot be
 *                                  restored and make every backup of an unchanged file differ
 *   --no-recursion                 our scan decides what to save; a directory name adds only the
 *                                  directory member, never its contents
 *   --null --verbatim-files-from --no-unquote --files-from=-
 *                                  names arrive NUL-separated on stdin, taken literally: a name that
 *                                  starts with '-' is a file, not an option; no backslash unquoting
 *   --sparse                       holes are detected and stored as GNU sparse 1.0 (pax), so a 9 GiB
 *                                  sparse file costs only its data
 *   --numeric-owner                store uid/gid only, no user/group names: restores are by number,
 *                                  and no passwd/group lookup per file
 *   --xattrs --acls                keep extended attributes and POSIX ACLs (each only when this tar was
 *                                  built with it; probed once). Not --selinux: labels belong to the
 *                                  machine, and it costs a getxattr per file
 *   --ignore-failed-read           a file that vanished or cannot be read after our scan listed it is a
 *                                  warning (exit 0), not a failed backup
 *   --warning=no-file-ignored      sockets (and other files tar would ignore) print nothing
 *   --blocking-factor=128          64 KiB records: one write fills the pipe once (tar's default 10 KiB
 *                                  costs about 20% more on small files); the stream is padded to a
 *                                  multiple of 64 KiB, which every tar reads without being told
 * Exit status 1 ("file changed as we read it") is a warning; 2 and above is a failure.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { TarError, TarToolError } from './entry.js';
import { DEFAULT_TAR, TAR_ENV, collectStderr, exitFailure, spawnFailure, stopChild, tarFeatures } from './gnu-tar.js';

export interface TarCreateOptions {
  /** Directory the member names are relative to. */
  cwd: string;
  /** Member names relative to cwd, one per member, singly or in batches; directories are not recursed. */
  paths: readonly string[] | AsyncIterable<string | readonly string[]>;
  /** GNU tar to run (default "tar" on PATH). */
  tarCommand?: string;
  /** Aborting kills tar; `done` then rejects with code ABORTED. */
  signal?: AbortSignal;
}

export interface TarCreateResult {
  exitCode: number;
  /** tar's stderr lines ("file changed as we read it", "Cannot stat", …), at most 1000. */
  warnings: string[];
}

export interface TarCreateRun {
  /**
   * The archive stream (uncompressed pax). Read it, or tar blocks. The saveset is complete only when
   * this stream has ended AND `done` has resolved: a killed or failed tar also ends the stream.
   */
  stdout: Readable;
  done: Promise<TarCreateResult>;
  /** tar's process id (added field, for logs and tests). */
  pid: number | undefined;
}

/** Writes the list to tar in batches of about this many bytes. */
const LIST_BATCH = 64 * 1024;

export function tarCreateArgs(command: string = DEFAULT_TAR): string[] {
  const features = tarFeatures(command);
  return [
    '--create',
    '--file=-',
    '--format=pax',
    '--pax-option=delete=atime,delete=ctime',
    '--no-recursion',
    '--null',
    '--verbatim-files-from',
    '--no-unquote',
    '--files-from=-',
    '--sparse',
    '--numeric-owner',
    ...(features.xattrs ? ['--xattrs'] : []),
    ...(features.acls ? ['--acls'] : []),
    '--ignore-failed-read',
    '--warning=no-file-ignored',
    '--blocking-factor=128',
  ];
}

export function spawnTarCreate(options: TarCreateOptions): TarCreateRun {
  const command = options.tarCommand ?? DEFAULT_TAR;
  const args = tarCreateArgs(command);
  const child = spawn(command, args, { cwd: options.cwd, env: TAR_ENV, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  const stderr = collectStderr(child);
  let failure: TarError | null = null;
  const fail = (error: TarError): void => {
    failure ??= error;
    stopChild(child);
  };
  const onAbort = (): void => fail(new TarToolError('ABORTED', `the backup was cancelled; tar (creating the archive in ${options.cwd}) was stopped`));
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const stdin = child.stdin as Writable;
  stdin.on('error', () => undefined); // EPIPE when tar stops early; its exit status says why
  void feedList(stdin, options.paths, () => failure !== null).catch((error: unknown) =>
    fail(error instanceof TarError ? error : new TarToolError('TAR_FAILED', `could not read the list of files to back up: ${(error as Error).message}`)),
  );

  const done = new Promise<TarCreateResult>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => fail(spawnFailure(command, args, error)));
    child.once('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) {
        child.stdout?.destroy(failure);
        return reject(failure);
      }
      if (code === 0 || code === 1) return resolve({ exitCode: code, warnings: stderr.lines });
      reject(exitFailure(command, args, code, signal, stderr.lines, `check that ${options.cwd} is readable and the disk is healthy, then run the backup again`));
    });
  });
  done.catch(() => undefined); // callers may await stdout first; the rejection stays observable through `done`
  return { stdout: child.stdout as Readable, done, pid: child.pid };
}

async function feedList(stdin: Writable, paths: TarCreateOptions['paths'], stopped: () => boolean): Promise<void> {
  let batch = '';
  const add = (path: string): void => {
    checkMemberName(path);
    batch += `${path}\0`;
  };
  for await (const item of paths) {
    if (stopped()) return;
    if (typeof item === 'string') add(item);
    else for (const path of item) add(path);
    if (batch.length >= LIST_BATCH) {
      const flowing = stdin.write(batch);
      batch = '';
      if (!flowing && !stdin.destroyed) await Promise.race([once(stdin, 'drain'), once(stdin, 'close')]);
    }
  }
  if (batch !== '' && !stdin.destroyed) stdin.write(batch);
  stdin.end();
}

function checkMemberName(path: string): void {
  if (path === '' || path.startsWith('/') || path.includes('\0')) {
    throw new TarError('BAD_PATH', `"${path.replace('\0', '\\0')}" cannot be backed up by name: member names must be non-empty, relative to the source directory and free of NUL bytes`);
  }
}
