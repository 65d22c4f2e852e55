/**
 * Secret files: written atomically (temp file, fsync, rename) with mode 0600, and refused when
 * another user could read them.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync, unlinkSync } from 'node:fs';
import { FloeError } from '../shared/errors.js';

export function writeSecretFile(path: string, content: string | Uint8Array): void {
  writeFileAtomic(path, content, 0o600);
}

export function writeFileAtomic(path: string, content: string | Uint8Array, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
}

/** Reads a secret file, refusing it when group or others may read or write it. */
export function readSecretFile(path: string): string {
  const { mode } = statSync(path);
  if ((mode & 0o077) !== 0) {
    throw new FloeError(
      'BAD_REQUEST',
      `${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${path}`,
    );
  }
  return readFileSync(path, 'utf8');
}
