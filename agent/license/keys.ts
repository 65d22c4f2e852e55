/**
 * Ed25519 keys of license vendors: parsing untrusted PEM text, fingerprints, signing (the vendor
 * tool) and verifying (the agent) over the canonical JSON of a license.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FloeError } from '../../shared/errors.js';
import { canonicalJson, type License, type LicenseFile } from '../../shared/license.js';

export interface TrustedKey {
  readonly fingerprint: string;
  readonly key: KeyObject;
}

/** `SHA256:AA:BB:…` of the key's SubjectPublicKeyInfo (DER). */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return `SHA256:${hex.match(/../g)?.join(':') ?? ''}`;
}

function requireEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new FloeError('BAD_REQUEST', `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key; Floe licenses use Ed25519 keys (make a pair with: floe-license keygen --out DIR)`);
  }
  return key;
}

/** Parses a vendor public key; refuses private keys, other formats and other algorithms. */
export function parsePublicKey(pem: string): KeyObject {
  if (/PRIVATE KEY/.test(pem)) {
    throw new FloeError('BAD_REQUEST', 'that is a private key; trust only the vendor\'s public key (-----BEGIN PUBLIC KEY-----) and keep the private key with the vendor');
  }
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new FloeError('BAD_REQUEST', 'not a PEM public key: expected a file starting with -----BEGIN PUBLIC KEY-----');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new FloeError('BAD_REQUEST', 'the public key PEM cannot be read; copy the vendor\'s .pub.pem file unchanged');
  }
  return requireEd25519(key, 'the public key');
}

export function parsePrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new FloeError('BAD_REQUEST', 'the private key PEM cannot be read; pass the private key written by floe-license keygen');
  }
  return requireEd25519(key, 'the private key');
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export function generateVendorKeyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicPem: publicKeyPem(publicKey) };
}

export function signLicense(license: License, privateKey: KeyObject): LicenseFile {
  const signature = sign(null, Buffer.from(canonicalJson(license), 'utf8'), privateKey).toString('base64');
  return { license, signature };
}

/** The trusted key that made `signature` over the canonical JSON of `license`, or null. */
export function findSigner(license: unknown, signature: string, keys: readonly TrustedKey[]): TrustedKey | null {
  const data = Buffer.from(canonicalJson(license), 'utf8');
  const bytes = Buffer.from(signature, 'base64');
  return keys.find((candidate) => verify(null, data, candidate.key, bytes)) ?? null;
}

/** The vendor key shipped with Floe (assets/license/vendor-default.pub.pem), from source or from dist/. */
export function builtInVendorKeys(): string[] {
  const relative = 'assets/license/vendor-default.pub.pem';
  for (const up of ['../..', '../../..']) {
    const path = resolve(import.meta.dirname, up, relative);
    if (existsSync(path)) return [readFileSync(path, 'utf8')];
  }
  return [];
}
