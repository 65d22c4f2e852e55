/**
 * Where the console keeps agent tokens. The file store (0600, atomic writes) serves the web host
 * and tests; the Electron shell will provide a safeStorage-backed store behind the same interface.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { z } from 'zod';
import { FloeError } from '../../shared/errors.js';

export interface SecretStore {
  get(id: string): string | undefined;
  set(id: string, secret: string): void;
  delete(id: string): void;
}

const secretsFileSchema = z.record(z.string(), z.string());

export function writePrivateFile(path: string, content: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

export class FileSecretStore implements SecretStore {
  private secrets: Record<string, string>;

  constructor(private readonly path: string) {
    this.secrets = this.load();
  }

  get(id: string): string | undefined {
    return this.secrets[id];
  }

  set(id: string, secret: string): void {
    this.secrets = { ...this.secrets, [id]: secret };
    this.save();
  }

  delete(id: string): void {
    const { [id]: _removed, ...rest } = this.secrets;
    this.secrets = rest;
    this.save();
  }

  private load(): Record<string, string> {
    let mode: number;
    try {
      mode = statSync(this.path).mode;
    } catch {
      return {};
    }
    if ((mode & 0o077) !== 0) {
      throw new FloeError('BAD_REQUEST', `${this.path} is readable by other users; run: chmod 600 ${this.path}`);
    }
    return secretsFileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
  }

  private save(): void {
    writePrivateFile(this.path, `${JSON.stringify(this.secrets, null, 2)}\n`);
  }
}
