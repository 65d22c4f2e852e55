/**
 * The provisioning journal, persisted as `provisioning.json` (0600, atomic writes) in the console's
 * config directory, so pending changes survive a restart of the console.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { changeSchema, type Change } from '../../shared/provisioning.js';
import { FloeError } from '../../shared/errors.js';
import { writePrivateFile } from './secret-store.js';
import { pruneApplied, recoverChange } from './provisioning.js';

const journalFileSchema = z.object({ version: z.literal(1), changes: z.array(changeSchema) });

/** How many applied changes stay listed (pending ones always stay). */
export const KEEP_APPLIED = 100;

export class ProvisioningJournal {
  private entries: Change[];

  constructor(
    private readonly path: string,
    now: Date,
  ) {
    this.entries = this.load().map((change) => recoverChange(change, now));
  }

  list(): readonly Change[] {
    return this.entries;
  }

  get(id: string): Change | undefined {
    return this.entries.find((change) => change.id === id);
  }

  /** Inserts or replaces a change (by id) and writes the file. */
  put(change: Change): void {
    const index = this.entries.findIndex((entry) => entry.id === change.id);
    const next = index < 0 ? [...this.entries, change] : this.entries.map((entry, at) => (at === index ? change : entry));
    this.entries = pruneApplied(next, KEEP_APPLIED);
    this.save();
  }

  delete(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.id !== id);
    if (this.entries.length === before) return false;
    this.save();
    return true;
  }

  private load(): Change[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new FloeError('BAD_REQUEST', `${this.path} is not valid JSON; restore it from a backup or move it away to start an empty journal`);
    }
    const parsed = journalFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new FloeError('BAD_REQUEST', `${this.path} is not a valid provisioning journal (${parsed.error.issues[0]?.message ?? 'invalid'}); move it away to start an empty journal`);
    }
    return parsed.data.changes;
  }

  private save(): void {
    writePrivateFile(this.path, `${JSON.stringify({ version: 1, changes: this.entries }, null, 2)}\n`);
  }
}
