/** Compares two directory trees: types, contents, modes, mtimes, symlink targets and hard-link groups. */
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TreeEntry {
  readonly path: string;
  readonly type: string;
  readonly mode: number;
  readonly mtime: number;
  readonly content: string;
  /** Index of the first path sharing this inode (hard links), or -1. */
  readonly linkGroup: string;
}

export function describeTree(root: string): TreeEntry[] {
  const out: TreeEntry[] = [];
  const inodes = new Map<number, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      const rel = relative(root, path);
      const type = stats.isDirectory() ? 'dir' : stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : 'other';
      let linkGroup = '';
      if (type === 'file' && stats.nlink > 1) {
        linkGroup = inodes.get(stats.ino) ?? rel;
        inodes.set(stats.ino, linkGroup);
      }
      out.push({
        path: rel,
        type,
        mode: stats.mode & 0o7777,
        mtime: type === 'dir' ? 0 : Math.floor(stats.mtimeMs / 1000),
        content: type === 'file' ? readFileSync(path).toString('base64') : type === 'symlink' ? readlinkSync(path) : '',
        linkGroup,
      });
      if (type === 'dir') walk(path);
    }
  };
  walk(root);
  return out;
}
