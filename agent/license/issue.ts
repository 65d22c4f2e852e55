/** What the vendor tool does: key pairs on disk and signed license files. */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FloeError } from '../../shared/errors.js';
import { licenseSchema, type License, type LicenseFile } from '../../shared/license.js';
import { readSecretFile, writeFileAtomic, writeSecretFile } from '../secure-files.js';
import { generateVendorKeyPair, keyFingerprint, parsePrivateKey, parsePublicKey, signLicense } from './keys.js';

export const PRIVATE_KEY_FILE = 'vendor-private.pem';
export const PUBLIC_KEY_FILE = 'vendor.pub.pem';

export interface KeygenResult {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly fingerprint: string;
}

/** Writes a new Ed25519 pair into `dir`: the private key 0600, the public key 0644. Never overwrites. */
export function keygen(dir: string): KeygenResult {
  const privateKey = join(dir, PRIVATE_KEY_FILE);
  const publicKey = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privateKey) || existsSync(publicKey)) {
    throw new FloeError('CONFLICT', `${dir} already holds a key pair; choose another --out directory (a key is never overwritten)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateVendorKeyPair();
  writeSecretFile(privateKey, pair.privatePem);
  writeFileAtomic(publicKey, pair.publicPem, 0o644);
  return { privateKey, publicKey, fingerprint: keyFingerprint(parsePublicKey(pair.publicPem)) };
}

/** `YYYY-MM-DD` (the end of that day, UTC) or a full ISO 8601 time. */
export function parseLicenseDate(text: string, option: string): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const time = Date.parse(dayOnly ? `${text}T23:59:59.000Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time)) {
    throw new FloeError('BAD_REQUEST', `${option} "${text}" is not a date; use YYYY-MM-DD (for example 2027-12-31)`);
  }
  return new Date(time).toISOString();
}

export interface IssueOptions {
  readonly server: string;
  readonly ip?: string;
  readonly edition: string;
  readonly modules: readonly string[];
  /** ISO 8601. */
  readonly expires: string;
  readonly supportExpires?: string;
  readonly licensee?: string;
  readonly drives?: number;
  readonly loaders?: number;
  readonly capacityTiB?: number;
}

/** Builds a license and checks it against the schema the agent applies, so no refused license is ever issued. */
export function buildLicense(options: IssueOptions, now: Date): License {
  const candidate = {
    id: randomUUID(),
    licensee: options.licensee ?? options.server,
    server: options.server,
    ...(options.ip === undefined ? {} : { ip: options.ip }),
    edition: options.edition,
    modules: [...options.modules],
    limits: { drives: options.drives ?? null, loaders: options.loaders ?? null, capacityTiB: options.capacityTiB ?? null },
    issued: now.toISOString(),
    expires: options.expires,
    supportExpires: options.supportExpires ?? options.expires,
  };
  const parsed = licenseSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FloeError('BAD_REQUEST', `cannot issue this license: ${issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

export function issueLicense(privateKeyPath: string, options: IssueOptions, now: Date): LicenseFile {
  let pem: string;
  try {
    pem = readSecretFile(privateKeyPath);
  } catch (error) {
    if (error instanceof FloeError) throw error;
    throw new FloeError('NOT_FOUND', `cannot read the private key ${privateKeyPath}; pass the file written by floe-license keygen`);
  }
  return signLicense(buildLicense(options, now), parsePrivateKey(pem));
}
