/**
 * Which paths under a backup's sources carry extended attributes or POSIX ACLs. Node cannot read
 * extended attributes, so where Floe's native reader is not loaded (its lstat tells: native-io.ts)
 * the stream worker asks `getfattr` (Debian package `attr`) once per backup, during the walk, and
 * leaves those paths to GNU tar, which stores them (`--xattrs --acls`). Without getfattr the whole
 * backup goes through GNU tar (backup-run.ts).
 *
 * `getfattr -R -P -m - --absolute-names` walks each source without following symlinks and prints,
 * for each path with at least one attribute, "# file: PATH" and then the attribute names, one per
 * line, then an empty line. It escapes a backslash and control characters in PATH as \ooo.
 */
import { spawn, spawnSync } from 'node:child_process';
import { FloeError } from '../../shared/errors.js';

const GETFATTR = 'getfattr';

/** Attributes GNU tar does not store for us (no `--selinux`: labels belong to the machine). */
const IGNORED = new Set(['security.selinux']);

let available: boolean | null = null;

/** Whether getfattr runs here (probed once per process). */
export function xattrListerAvailable(): boolean {
  available ??= spawnSync(GETFATTR, ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** Parses getfattr's listing into the absolute paths that carry an attribute GNU tar stores. */
export function parseXattrListing(output: Buffer): Set<string> {
  const found = new Set<string>();
  let path: string | null = null;
  for (const line of output.toString('latin1').split('\n')) {
    if (line.startsWith('# file: ')) {
      path = unescapeName(line.slice(8));
    } else if (line === '') {
      path = null;
    } else if (path !== null && !IGNORED.has(line)) {
      found.add(path);
    }
  }
  return found;
}

/** getfattr's \ooo escapes undone, then the bytes read as UTF-8 (as Node names files). */
function unescapeName(escaped: string): string {
  const latin1 = escaped.replace(/\\([0-7]{3})/g, (_, digits: string) => String.fromCharCode(parseInt(digits, 8)));
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/**
 * Runs getfattr over `roots` and returns the paths with attributes. Unreadable directories make
 * getfattr exit with 1 after printing what it could read; that is kept (the walk warns about them).
 */
export async function pathsWithXattrs(roots: readonly string[], signal: AbortSignal): Promise<Set<string>> {
  const command = GETFATTR;
  if (roots.length === 0) return new Set();
  const child = spawn(command, ['-R', '-P', '-m', '-', '--absolute-names', '--', ...roots], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' }, signal });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (piece: Buffer) => out.push(piece));
  child.stderr.on('data', (piece: Buffer) => err.length < 64 && err.push(piece));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    if (signal.aborted) throw error;
    throw new FloeError('INTERNAL', `could not list extended attributes with ${command}: ${error.message}; install the Debian package "attr" or check PATH`);
  });
  if (code !== 0 && code !== 1) {
    throw new FloeError('INTERNAL', `${command} failed (exit ${code}) listing extended attributes of ${roots.join(', ')}: ${Buffer.concat(err).toString().trim().slice(0, 400)}`);
  }
  return parseXattrListing(Buffer.concat(out));
}
