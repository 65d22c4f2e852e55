/**
 * API tokens. A token is `floe_<id>_<secret>`; the agent keeps only the id, role and the SHA-256
 * of the secret (tokens are 256-bit random, so a fast hash is enough) in `tokens.json`, mode 0600.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { roleSchema, type Role } from '../shared/protocol/catalog.js';
import { FloeError } from '../shared/errors.js';
import { readSecretFile, writeSecretFile } from './secure-files.js';

const TOKEN_PATTERN = /^floe_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const tokenRecordSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{12}$/),
  role: roleSchema,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;
const tokenFileSchema = z.object({ tokens: z.array(tokenRecordSchema) });

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class TokenStore {
  private records: TokenRecord[];

  constructor(private readonly path: string) {
    this.records = existsSync(path) ? tokenFileSchema.parse(JSON.parse(readSecretFile(path))).tokens : [];
  }

  /** Creates a token and returns it in clear: the only time it exists outside the caller's hands. */
  create(role: Role, now: Date): { token: string; record: TokenRecord } {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: TokenRecord = { id, role, sha256: sha256Hex(secret), createdAt: now.toISOString(), revokedAt: null };
    this.records = [...this.records, record];
    this.save();
    return { token: `floe_${id}_${secret}`, record };
  }

  /** Returns the token's live record, or throws AUTH_FAILED. Constant-time on the secret. */
  verify(token: string): TokenRecord {
    const match = TOKEN_PATTERN.exec(token);
    const record = match ? this.records.find((candidate) => candidate.id === match[1]) : undefined;
    const presented = Buffer.from(sha256Hex(match?.[2] ?? token), 'hex');
    const expected = Buffer.from(record?.sha256 ?? '0'.repeat(64), 'hex');
    const equal = timingSafeEqual(presented, expected);
    if (!record || !equal) throw new FloeError('AUTH_FAILED', 'the token is not valid for this agent');
    if (record.revokedAt) throw new FloeError('AUTH_FAILED', `token ${record.id} was revoked at ${record.revokedAt}`);
    return record;
  }

  list(): readonly TokenRecord[] {
    return this.records;
  }

  /** Revokes a token by id; connections using it are cut by the caller. */
  revoke(id: string, now: Date): TokenRecord {
    const record = this.records.find((candidate) => candidate.id === id);
    if (!record) throw new FloeError('NOT_FOUND', `no token ${id}; see: floe-agent token list`);
    if (record.revokedAt) return record;
    const revoked = { ...record, revokedAt: now.toISOString() };
    this.records = this.records.map((candidate) => (candidate.id === id ? revoked : candidate));
    this.save();
    return revoked;
  }

  private save(): void {
    writeSecretFile(this.path, `${JSON.stringify({ tokens: this.records }, null, 2)}\n`);
  }
}
