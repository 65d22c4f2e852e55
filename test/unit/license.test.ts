/** License checks: canonical JSON, signatures, binding, trial and expiry with an injected clock. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type License, type LicenseStatus } from '../../shared/license.js';
import { isFloeError } from '../../shared/errors.js';
import { openCatalog } from '../../agent/catalog/database.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import { silentLogger } from '../../agent/log.js';
import { Publisher } from '../../agent/server/publisher.js';
import type { AgentContext } from '../../agent/server/context.js';
import { generateVendorKeyPair, keyFingerprint, parsePrivateKey, parsePublicKey, signLicense, type TrustedKey } from '../../agent/license/keys.js';
import { checkLicenseText } from '../../agent/license/verify.js';
import { LicenseService } from '../../agent/license/service.js';
import { licensePaths } from '../../agent/license/paths.js';
import { buildLicense, parseLicenseDate } from '../../agent/license/issue.js';
import { DAY_MS } from '../../agent/license/status.js';
import { tempDir } from '../helpers/agents.js';

const T0 = new Date('2026-11-23T08:00:00.000Z');
const at = (days: number, ms = 0) => new Date(T0.getTime() + days * DAY_MS + ms);

function vendor() {
  const pair = generateVendorKeyPair();
  const publicKey = parsePublicKey(pair.publicPem);
  return { ...pair, privateKey: parsePrivateKey(pair.privatePem), trusted: { fingerprint: keyFingerprint(publicKey), key: publicKey } satisfies TrustedKey };
}

function license(overrides: Partial<License> = {}): License {
  return {
    id: 'LIC-0001',
    licensee: 'Example GmbH',
    server: 'hq-berlin',
    edition: 'standard',
    modules: ['tape', 'vtl'],
    limits: { drives: 4, loaders: 2, capacityTiB: 50 },
    issued: T0.toISOString(),
    expires: at(100).toISOString(),
    supportExpires: at(365).toISOString(),
    ...overrides,
  };
}

const binding = { serverName: 'hq-berlin', addresses: ['127.0.0.1', '10.1.2.3', 'fe80::1'] };

describe('canonical JSON', () => {
  it('sorts keys at every level, keeps array order and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}');
  });

  it('gives the same text whatever the key order or formatting of the input', () => {
    const one = JSON.parse('{ "x": 1, "y": { "q": "é\\n", "p": [1.5, -2] } }') as unknown;
    const two = JSON.parse('{"y":{"p":[1.5,-2],"q":"é\\n"},"x":1}') as unknown;
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalJson(one)).toBe('{"x":1,"y":{"p":[1.5,-2],"q":"é\\n"}}');
  });

  it('refuses what JSON cannot say exactly, and absurd nesting', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson([undefined])).toThrow();
    expect(() => canonicalJson(10n)).toThrow();
    let deep: unknown = 1;
    for (let i = 0; i < 40; i += 1) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/nested/);
  });
});

describe('license signatures and binding', () => {
  const a = vendor();
  const b = vendor();

  it('accepts a license signed by a trusted key, whatever its formatting', () => {
    const file = signLicense(license(), a.privateKey);
    expect(checkLicenseText(JSON.stringify(file), [a.trusted], binding)).toMatchObject({ ok: true, license: { id: 'LIC-0001' } });
    const reordered = `{\n  "signature": "${file.signature}",\n  "license": ${JSON.stringify(Object.fromEntries(Object.entries(file.license).reverse()), null, 4)}\n}`;
    expect(checkLicenseText(reordered, [a.trusted], binding).ok).toBe(true);
  });

  const tampers: Array<[string, (l: Record<string, unknown>) => void]> = [
    ['id', (l) => (l.id = 'LIC-0002')],
    ['licensee', (l) => (l.licensee = 'Someone Else')],
    ['server', (l) => (l.server = 'hq-berlin2')],
    ['ip (added)', (l) => (l.ip = '10.1.2.3')],
    ['edition', (l) => (l.edition = 'enterprise')],
    ['modules', (l) => (l.modules = ['tape', 'vtl', 'hooks'])],
    ['limits.drives', (l) => ((l.limits as Record<string, unknown>).drives = 400)],
    ['limits.loaders', (l) => ((l.limits as Record<string, unknown>).loaders = null)],
    ['limits.capacityTiB', (l) => ((l.limits as Record<string, unknown>).capacityTiB = 500)],
    ['issued', (l) => (l.issued = at(-1).toISOString())],
    ['expires', (l) => (l.expires = at(1000).toISOString())],
    ['supportExpires', (l) => (l.supportExpires = at(1000).toISOString())],
  ];
  it.each(tampers)('refuses a license whose %s was changed after signing', (_field, tamper) => {
    const file = JSON.parse(JSON.stringify(signLicense(license(), a.privateKey))) as { license: Record<string, unknown>; signature: string };
    tamper(file.license);
    const result = checkLicenseText(JSON.stringify(file), [a.trusted], binding);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not match/) as unknown });
  });

  it('refuses a changed signature, a missing or extra field and malformed JSON, naming the problem', () => {
    const file = signLicense(license(), a.privateKey);
    const flipped = `${file.signature.startsWith('A') ? 'B' : 'A'}${file.signature.slice(1)}`;
    expect(checkLicenseText(JSON.stringify({ ...file, signature: flipped }), [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature/) as unknown });
    const { edition: _edition, ...noEdition } = file.license;
    expect(checkLicenseText(JSON.stringify({ ...file, license: noEdition }), [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed \(license\.edition/) as unknown });
    expect(checkLicenseText(JSON.stringify({ ...file, license: { ...file.license, unlimited: true } }), [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed/) as unknown });
    expect(checkLicenseText('{"license": ', [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) as unknown });
    expect(checkLicenseText('[]', [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed/) as unknown });
  });

  it('refuses a license signed by another key, and any license when no key is trusted', () => {
    const text = JSON.stringify(signLicense(license(), b.privateKey));
    expect(checkLicenseText(text, [a.trusted], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/signature does not match any trusted vendor key/) as unknown });
    expect(checkLicenseText(text, [], binding)).toMatchObject({ ok: false, reason: expect.stringMatching(/no vendor key is trusted.*license trust/) as unknown });
    expect(checkLicenseText(text, [a.trusted, b.trusted], binding).ok).toBe(true);
  });

  it('binds the license to the server name and, when set, to one of its addresses', () => {
    const check = (l: License, addresses = binding.addresses) => checkLicenseText(JSON.stringify(signLicense(l, a.privateKey)), [a.trusted], { serverName: 'hq-berlin', addresses });
    expect(check(license({ server: 'branch-paris' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/issued for server "branch-paris" but this agent is "hq-berlin"/) as unknown });
    expect(check(license({ ip: '10.1.2.3' })).ok).toBe(true);
    expect(check(license({ ip: '10.9.9.9' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/bound to address 10\.9\.9\.9/) as unknown });
    expect(check(license({ ip: 'fe80:0:0:0:0:0:0:1' })).ok).toBe(true);
    expect(check(license({ ip: '10.1.2.3' }), ['::ffff:10.1.2.3']).ok).toBe(true);
    expect(check(license({ ip: '10.1.2.3' }), []).ok).toBe(false);
  });

  it('refuses keys that are private, not PEM or not Ed25519', () => {
    expect(() => parsePublicKey(a.privatePem)).toThrow(/private key/);
    expect(() => parsePublicKey('hello')).toThrow(/BEGIN PUBLIC KEY/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parsePublicKey(rsa)).toThrow(/rsa key.*Ed25519/);
  });

  it('the vendor tool refuses to build a license the agent would refuse', () => {
    expect(() => buildLicense({ server: 'bad name', edition: 'standard', modules: ['vtl'], expires: at(10).toISOString() }, T0)).toThrow(/server/);
    expect(() => buildLicense({ server: 'hq', edition: 'standard', modules: ['vtl'], expires: at(-10).toISOString() }, T0)).toThrow(/expires is before issued/);
    expect(parseLicenseDate('2027-12-31', '--expires')).toBe('2027-12-31T23:59:59.000Z');
    expect(() => parseLicenseDate('next year', '--expires')).toThrow(/YYYY-MM-DD/);
  });
});

function makeService(options: { root?: string; clock: { now: Date }; keys?: readonly string[]; addresses?: string[] }) {
  const root = options.root ?? tempDir('license');
  const clock = () => options.clock.now;
  const publisher = new Publisher(clock);
  const paths = dataDirPaths(root);
  const db = openCatalog(paths.catalog);
  const ctx: AgentContext = {
    config: { name: 'hq-berlin', agentId: randomUUID(), listen: { host: '127.0.0.1', port: 0 }, createdAt: T0.toISOString() },
    paths,
    db,
    logger: silentLogger(),
    clock,
    publisher,
  };
  const service = new LicenseService(ctx, { usage: () => ({ drives: 1, loaders: 1 }), builtInKeys: options.keys ?? [], addresses: () => options.addresses ?? ['127.0.0.1'] });
  const deltas: LicenseStatus[] = [];
  publisher.subscribe((delta) => {
    if (delta.change.domain === 'license') deltas.push(delta.change.change.status);
  });
  return { service, root, db, deltas };
}

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (isFloeError(error)) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('trial', () => {
  it('counts 30 days from the first start: trial, expiring from 7 days left, then expired', () => {
    const clock = { now: T0 };
    const { service } = makeService({ clock });
    expect(service.status()).toMatchObject({ status: 'trial', edition: 'trial', daysLeft: 30, trialStartedAt: T0.toISOString(), expires: at(30).toISOString() });
    service.assertBackupAllowed();
    clock.now = at(22, 1);
    expect(service.status()).toMatchObject({ status: 'trial', daysLeft: 8 });
    clock.now = at(23);
    expect(service.status()).toMatchObject({ status: 'expiring', daysLeft: 7, reason: expect.stringMatching(/7 days left/) as unknown });
    service.assertBackupAllowed();
    clock.now = at(30, 1);
    expect(service.status()).toMatchObject({ status: 'expired', daysLeft: 0 });
    expect(refusal(() => service.assertBackupAllowed())).toMatch(/^LICENSE: backups are not allowed: the 30-day trial ended/);
  });

  it('a clock moved back never extends the trial, not even across a restart', () => {
    const clock = { now: T0 };
    const first = makeService({ clock });
    clock.now = at(31);
    expect(first.service.status().status).toBe('expired');
    clock.now = at(1);
    expect(first.service.status()).toMatchObject({ status: 'expired', daysLeft: 0 });
    first.db.close();
    clock.now = at(-5);
    const again = makeService({ clock, root: first.root });
    expect(again.service.status()).toMatchObject({ status: 'expired', trialStartedAt: T0.toISOString() });
    expect(() => again.service.assertBackupAllowed()).toThrow(/backups are not allowed/);
  });
});

describe('installed licenses', () => {
  const a = vendor();
  const text = (l: License, key = a.privateKey) => JSON.stringify(signLicense(l, key));

  it('is valid, expiring from 7 days before the end, expired after; backups stop only then', () => {
    const clock = { now: T0 };
    const { service } = makeService({ clock, keys: [a.publicPem] });
    expect(service.install(text(license()))).toMatchObject({ status: 'valid', edition: 'standard', licenseId: 'LIC-0001', daysLeft: 100, reason: null, usage: { drives: 1, loaders: 1 } });
    clock.now = at(93);
    expect(service.status()).toMatchObject({ status: 'expiring', daysLeft: 7 });
    service.assertBackupAllowed();
    clock.now = at(100);
    expect(service.status()).toMatchObject({ status: 'expired', daysLeft: 0 });
    expect(refusal(() => service.assertBackupAllowed())).toMatch(/^LICENSE: .*expired on/);
  });

  it('refuses untrusted, foreign, expired and malformed licenses and keeps the one in force; keeps copies of replaced ones, all 0600', () => {
    const clock = { now: T0 };
    const { service, root } = makeService({ clock });
    const paths = licensePaths(root);
    expect(refusal(() => service.install(text(license())))).toMatch(/^LICENSE: license refused: no vendor key is trusted/);
    expect(service.trust(a.publicPem).fingerprint).toBe(a.trusted.fingerprint);
    service.install(text(license()));
    const installed = readFileSync(paths.current, 'utf8');
    for (const [bad, reason] of [
      [text(license({ id: 'LIC-2', server: 'branch-paris' })), /issued for server "branch-paris"/],
      [text(license({ id: 'LIC-3' }), vendor().privateKey), /signature does not match/],
      [text(license({ id: 'LIC-4', expires: at(-1).toISOString(), issued: at(-10).toISOString() })), /expired on/],
      ['not json', /not valid JSON/],
    ] as const) {
      expect(refusal(() => service.install(bad))).toMatch(reason);
      expect(service.status()).toMatchObject({ status: 'valid', licenseId: 'LIC-0001' });
      expect(readFileSync(paths.current, 'utf8')).toBe(installed);
    }
    expect(existsSync(paths.previousDir) ? readdirSync(paths.previousDir) : []).toEqual([]);
    service.install(text(license({ id: 'LIC-0005' })));
    expect(service.status().licenseId).toBe('LIC-0005');
    const copies = readdirSync(paths.previousDir);
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(paths.previousDir, copies[0] ?? ''), 'utf8')).toBe(installed);
    const files = [paths.current, join(paths.previousDir, copies[0] ?? ''), ...readdirSync(paths.trustedKeysDir).map((f) => join(paths.trustedKeysDir, f))];
    for (const file of files) expect(statSync(file).mode & 0o777, file).toBe(0o600);
  });

  it('a license tampered on disk turns invalid at the next check, with a delta, and stops backups', () => {
    const clock = { now: T0 };
    const { service, root, deltas } = makeService({ clock, keys: [a.publicPem] });
    service.install(text(license()));
    expect(deltas.map((d) => d.status)).toEqual(['valid']);
    const path = licensePaths(root).current;
    writeFileSync(path, readFileSync(path, 'utf8').replace('"standard"', '"enterprise"'), { mode: 0o600 });
    expect(service.check()).toMatchObject({ status: 'invalid', edition: null, reason: expect.stringMatching(/invalid: the signature does not match/) as unknown });
    expect(deltas.map((d) => d.status)).toEqual(['valid', 'invalid']);
    expect(() => service.assertBackupAllowed()).toThrow(/backups are not allowed/);
  });

  it('the periodic check publishes a delta when the status changes, and only then', async () => {
    const clock = { now: T0 };
    const { service, deltas } = makeService({ clock, keys: [a.publicPem] });
    service.install(text(license()));
    const timer = service.startPeriodicCheck(10);
    try {
      clock.now = at(50);
      await waitUntil(() => deltas.length === 2);
      expect(deltas[1]).toMatchObject({ status: 'valid', daysLeft: 50 });
      clock.now = at(95);
      await waitUntil(() => deltas.length === 3);
      expect(deltas[2]).toMatchObject({ status: 'expiring', daysLeft: 5 });
      await new Promise((r) => setTimeout(r, 60));
      expect(deltas).toHaveLength(3);
    } finally {
      timer.dispose();
    }
    clock.now = at(101);
    await new Promise((r) => setTimeout(r, 40));
    expect(deltas).toHaveLength(3);
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
