/** The registered locations, persisted as `locations.json` in the console's config directory. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fingerprintSchema, locationNameSchema } from '../../shared/protocol/catalog.js';
import { hostSchema, portSchema } from '../../shared/fleet.js';
import { FloeError } from '../../shared/errors.js';
import { writePrivateFile } from './secret-store.js';

export const registrationSchema = z.object({
  id: z.uuid(),
  name: locationNameSchema,
  host: hostSchema,
  port: portSchema,
  fingerprint: fingerprintSchema,
  addedAt: z.iso.datetime(),
});
export type Registration = z.infer<typeof registrationSchema>;

const registryFileSchema = z.object({ version: z.literal(1), locations: z.array(registrationSchema) });

export class LocationRegistry {
  private entries: Registration[];

  constructor(private readonly path: string) {
    this.entries = this.load();
  }

  list(): readonly Registration[] {
    return this.entries;
  }

  get(id: string): Registration | undefined {
    return this.entries.find((entry) => entry.id === id);
  }

  findByFingerprint(fingerprint: string): Registration | undefined {
    return this.entries.find((entry) => entry.fingerprint === fingerprint);
  }

  /** Adds a location; refuses a duplicate name or a certificate already registered under another name. */
  add(entry: Registration): void {
    const sameCert = this.findByFingerprint(entry.fingerprint);
    if (sameCert) {
      throw new FloeError('CONFLICT', `this agent's certificate is already registered as "${sameCert.name}"`);
    }
    if (this.entries.some((existing) => existing.name === entry.name)) {
      throw new FloeError('CONFLICT', `a location named "${entry.name}" already exists; choose another name`);
    }
    this.entries = [...this.entries, entry];
    this.save();
  }

  /** Replaces a location's settings (same id); refuses a name or a certificate another location already has. */
  update(entry: Registration): void {
    if (!this.get(entry.id)) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
    const sameCert = this.entries.find((existing) => existing.id !== entry.id && existing.fingerprint === entry.fingerprint);
    if (sameCert) throw new FloeError('CONFLICT', `this agent's certificate is already registered as "${sameCert.name}"`);
    const sameName = this.entries.find((existing) => existing.id !== entry.id && existing.name === entry.name);
    if (sameName) throw new FloeError('CONFLICT', `a location named "${entry.name}" already exists; choose another name`);
    this.entries = this.entries.map((existing) => (existing.id === entry.id ? entry : existing));
    this.save();
  }

  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.id !== id);
    if (this.entries.length === before) return false;
    this.save();
    return true;
  }

  private load(): Registration[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return [];
    }
    const parsed = registryFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new FloeError('BAD_REQUEST', `${this.path} is not a valid location registry: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    return parsed.data.locations;
  }

  private save(): void {
    writePrivateFile(this.path, `${JSON.stringify({ version: 1, locations: this.entries }, null, 2)}\n`);
  }
}
