/**
 * Licenses of a location. A license file is JSON `{ "license": {...}, "signature": "<base64>" }`;
 * the signature is Ed25519 over `canonicalJson(license)`. Everything in a license file is untrusted
 * input until the agent has checked its shape, its signature and its binding.
 */
import { z } from 'zod';

/** The largest license file the agent reads (and the protocol carries). */
export const MAX_LICENSE_TEXT = 64 * 1024;
/** The largest public key PEM `license trust` accepts. */
export const MAX_PUBLIC_KEY_PEM = 8 * 1024;
/** Same rule as a location name (protocol/catalog.ts), kept here so the catalog can import this file. */
const serverNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a server name is letters, digits, ".", "-" or "_"');
/** Nesting deeper than this is never a license; canonicalJson refuses it. */
const MAX_DEPTH = 32;

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units) at every level, no whitespace, arrays in
 * their order. Two parties that agree on the value agree on these bytes, whatever the key order or
 * indentation of the file. Throws on values JSON cannot represent exactly (undefined, NaN, bigint…).
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${String(value)} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`).join(',')}}`;
  }
  throw new Error(`a ${typeof value} has no JSON form`);
}

export const licenseModuleSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a module name is lower-case letters, digits or "-"');
const count = z.number().int().min(0).max(1_000_000);

/** `null` means no limit. */
export const licenseLimitsSchema = z
  .object({
    drives: count.nullable(),
    loaders: count.nullable(),
    capacityTiB: z.number().min(0).max(1_000_000).nullable(),
  })
  .strict();
export type LicenseLimits = z.infer<typeof licenseLimitsSchema>;

export const licenseSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a license id is 1-64 letters, digits, ".", "-" or "_"'),
    licensee: z.string().min(1).max(256),
    /** The location (agent) name this license is bound to. */
    server: serverNameSchema,
    /** Optional binding to one of the machine's addresses. */
    ip: z.union([z.ipv4(), z.ipv6()], { error: 'not an IPv4 or IPv6 address' }).optional(),
    edition: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'an edition is 1-64 letters, digits, spaces, ".", "-" or "_"'),
    modules: z.array(licenseModuleSchema).max(64),
    limits: licenseLimitsSchema,
    issued: z.iso.datetime(),
    expires: z.iso.datetime(),
    supportExpires: z.iso.datetime(),
  })
  .strict()
  .refine((license) => Date.parse(license.issued) <= Date.parse(license.expires), { message: 'expires is before issued', path: ['expires'] });
export type License = z.infer<typeof licenseSchema>;

/** Ed25519 signatures are 64 bytes: 88 base64 characters. */
export const licenseSignatureSchema = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'the signature is not a base64 Ed25519 signature');

export const licenseFileSchema = z
  .object({
    license: licenseSchema,
    signature: licenseSignatureSchema,
  })
  .strict();
export type LicenseFile = z.infer<typeof licenseFileSchema>;

export const licenseStatusWordSchema = z.enum(['trial', 'valid', 'expiring', 'expired', 'invalid']);
export type LicenseStatusWord = z.infer<typeof licenseStatusWordSchema>;

/** What the agent reports about its license (`license:show`, the snapshot's `license`, deltas). */
export const licenseStatusSchema = z.object({
  status: licenseStatusWordSchema,
  /** `trial` during the trial; null when the installed license is invalid. */
  edition: z.string().max(64).nullable(),
  modules: z.array(licenseModuleSchema).max(64),
  limits: licenseLimitsSchema,
  usage: z.object({ drives: count, loaders: count }),
  licenseId: z.string().max(64).nullable(),
  licensee: z.string().max(256).nullable(),
  server: z.string().max(64).nullable(),
  ip: z.string().max(64).nullable(),
  issued: z.iso.datetime().nullable(),
  /** End of the license or of the trial; null when invalid. */
  expires: z.iso.datetime().nullable(),
  supportExpires: z.iso.datetime().nullable(),
  /** Whole days left, rounded up; 0 once expired or when invalid. */
  daysLeft: z.number().int().min(0),
  trialStartedAt: z.iso.datetime(),
  lastCheck: z.iso.datetime(),
  /** Why the license is not simply valid, and what to do; null when valid. */
  reason: z.string().max(1024).nullable(),
});
export type LicenseStatus = z.infer<typeof licenseStatusSchema>;

/** License changes pushed as deltas: the whole status view. */
export const licenseChangeSchema = z.object({ status: licenseStatusSchema });
export type LicenseChange = z.infer<typeof licenseChangeSchema>;
