/**
 * What tar-create and safe-extract share about running GNU tar: the command, its environment,
 * feature detection (done once per command and cached) and turning its failures into TarToolErrors.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { TarToolError } from './entry.js';

export const DEFAULT_TAR = 'tar';

/** GNU tar runs with the C locale so its messages (kept as warnings) are stable and parseable. */
export const TAR_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', TAPE: '-' };

export interface TarFeatures {
  readonly acls: boolean;
  readonly xattrs: boolean;
}

const features = new Map<string, TarFeatures>();

/**
 * Which optional flags this tar accepts. Probed once per command (a few milliseconds, synchronous,
 * so spawnTarCreate can return its stream at once): `tar --acls --create --file=/dev/null
 * --files-from=/dev/null` exits 0 only when tar was built with that support.
 */
export function tarFeatures(command: string = DEFAULT_TAR): TarFeatures {
  const known = features.get(command);
  if (known) return known;
  const probe = (flag: string): boolean =>
    spawnSync(command, [flag, '--create', '--file=/dev/null', '--files-from=/dev/null'], { env: TAR_ENV, stdio: 'ignore', timeout: 10_000 }).status === 0;
  const found = { acls: probe('--acls'), xattrs: probe('--xattrs') };
  features.set(command, found);
  return found;
}

/** Records features probed elsewhere (the archive worker gets them from the main thread instead of probing per job). */
export function seedTarFeatures(command: string, found: TarFeatures): void {
  features.set(command, found);
}

/** Collects tar's stderr as lines (bounded: at most `max` lines are kept). */
export function collectStderr(child: ChildProcess, max = 1000): { lines: string[]; text: () => string; dropped: () => number } {
  const lines: string[] = [];
  let rest = '';
  let dropped = 0;
  const take = (line: string): void => {
    if (line.trim() === '') return;
    if (lines.length < max) lines.push(line.trim());
    else dropped++;
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    const parts = (rest + text).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) take(part);
  });
  child.stderr?.on('end', () => {
    take(rest);
    rest = '';
  });
  return { lines, text: () => lines.join('\n'), dropped: () => dropped };
}

/** The error for a tar that could not start (missing, not executable). */
export function spawnFailure(command: string, args: readonly string[], error: NodeJS.ErrnoException): TarToolError {
  const line = `${command} ${args.join(' ')}`;
  if (error.code === 'ENOENT') return new TarToolError('TAR_FAILED', `${command} was not found (running "${line}"); install GNU tar 1.34 or newer, or set tarCommand`);
  if (error.code === 'EACCES') return new TarToolError('TAR_FAILED', `${command} is not executable (running "${line}"); check its permissions or set tarCommand`);
  return new TarToolError('TAR_FAILED', `could not run "${line}": ${error.message}`);
}

/** The error for a tar that exited with a failure status or was killed. */
export function exitFailure(command: string, args: readonly string[], code: number | null, signal: NodeJS.Signals | null, stderr: string[], hint: string): TarToolError {
  const said = stderr.find((line) => !line.startsWith('tar: Exiting with failure status')) ?? stderr[0] ?? 'tar printed nothing on stderr';
  const how = code !== null ? `exit status ${code}` : `signal ${signal ?? 'unknown'}`;
  return new TarToolError('TAR_FAILED', `${said} (from "${command} ${args.join(' ')}", ${how}); ${hint}`, stderr.join('\n'));
}

/** Stops a tar child: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 2000): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, graceMs);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}
