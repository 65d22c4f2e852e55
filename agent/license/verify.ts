/**
 * Checks an untrusted license text, in order: size, JSON, shape, signature by a trusted vendor key,
 * binding to this server (name, and address when the license names one). Pure apart from crypto;
 * expiry is a matter of time and is judged by the status.
 */
import { isIP } from 'node:net';
import { MAX_LICENSE_TEXT, licenseFileSchema, type License } from '../../shared/license.js';
import { findSigner, type TrustedKey } from './keys.js';

export interface BindingFacts {
  /** The agent's name (config.name). */
  readonly serverName: string;
  /** The machine's addresses. */
  readonly addresses: readonly string[];
}

export type LicenseCheck =
  | { readonly ok: true; readonly license: License; readonly signer: TrustedKey }
  | { readonly ok: false; readonly reason: string };

/** One spelling per address: IPv6 compressed and lower-case, IPv4-mapped IPv6 as IPv4. */
export function normalizeAddress(address: string): string {
  const bare = address.split('%')[0] ?? address;
  if (isIP(bare) !== 6) return bare;
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  // WHATWG URL spells IPv4-mapped addresses in hex (::ffff:a01:203); give them their IPv4 form.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const [high, low] = [parseInt(mapped[1] ?? '0', 16), parseInt(mapped[2] ?? '0', 16)];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function checkLicenseText(text: string, keys: readonly TrustedKey[], binding: BindingFacts): LicenseCheck {
  if (text.length > MAX_LICENSE_TEXT) return { ok: false, reason: `the license file is larger than ${MAX_LICENSE_TEXT / 1024} KiB; it is not a Floe license` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the license file is not valid JSON; use the file exactly as the vendor sent it' };
  }
  const parsed = licenseFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `the license file is malformed (${issue ? describeIssue(issue) : 'invalid'}); use the file exactly as the vendor sent it` };
  }
  if (keys.length === 0) {
    return { ok: false, reason: 'no vendor key is trusted; add the vendor\'s public key with: floe-agent license trust PUBLIC-KEY-FILE' };
  }
  // The signature covers the license as received (the strict schema refuses any field it does not know).
  const signer = findSigner((raw as { license: unknown }).license, parsed.data.signature, keys);
  if (!signer) {
    return {
      ok: false,
      reason: 'the signature does not match any trusted vendor key: the license was altered after signing or was signed by a key this agent does not trust (add it with: floe-agent license trust PUBLIC-KEY-FILE)',
    };
  }
  const license = parsed.data.license;
  if (license.server !== binding.serverName) {
    return { ok: false, reason: `the license is issued for server "${license.server}" but this agent is "${binding.serverName}"; ask the vendor for a license for "${binding.serverName}"` };
  }
  if (license.ip !== undefined) {
    const wanted = normalizeAddress(license.ip);
    if (!binding.addresses.some((address) => normalizeAddress(address) === wanted)) {
      return { ok: false, reason: `the license is bound to address ${license.ip}, which this machine does not have; ask the vendor for a license bound to one of its addresses` };
    }
  }
  return { ok: true, license, signer };
}
