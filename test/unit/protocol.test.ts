import { describe, expect, it } from 'vitest';
import {
  ackSchema,
  connectErrorDataSchema,
  handshakeAuthSchema,
  helloSchema,
  snapshotSchema,
  type Hello,
} from '../../shared/protocol/catalog.js';
import { addLocationArgsSchema, consoleCalls } from '../../shared/console-api.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { z } from 'zod';

const FINGERPRINT = `SHA256:${Array.from({ length: 32 }, () => 'AB').join(':')}`;
const identity = { name: 'hq-berlin', agentId: '6b0b5c2e-8c1c-4a8e-9d0a-3f3d2d9b1a10', version: '0.1.0', host: '127.0.0.1', fingerprint: FINGERPRINT };
const hello: Hello = { protocol: PROTOCOL_VERSION, identity, role: 'admin', now: '2026-11-23T08:00:00.000Z' };
const license = {
  status: 'trial',
  edition: 'trial',
  modules: ['hooks', 'tape', 'vtl'],
  limits: { drives: null, loaders: null, capacityTiB: null },
  usage: { drives: 0, loaders: 0 },
  licenseId: null,
  licensee: null,
  server: null,
  ip: null,
  issued: null,
  expires: '2026-12-23T08:00:00.000Z',
  supportExpires: null,
  daysLeft: 30,
  trialStartedAt: '2026-11-23T08:00:00.000Z',
  lastCheck: '2026-11-23T08:00:00.000Z',
  reason: 'trial: 30 days left',
};

describe('agent protocol schemas', () => {
  it('accept a well-formed hello and snapshot', () => {
    expect(helloSchema.parse(hello)).toEqual(hello);
    const snapshot = { seq: 3, epoch: 'run-1', takenAt: hello.now, identity, startedAt: hello.now, devices: { loaders: [], drives: [], media: [], pools: [] }, jobs: { active: [], recent: [] }, schedules: { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay: '2026-11-23', lastCheck: null }, license };
    expect(snapshotSchema.parse(snapshot)).toEqual(snapshot);
  });

  it.each([
    ['missing identity', { ...hello, identity: undefined }],
    ['name with markup', { ...hello, identity: { ...identity, name: '<img src=x onerror=alert(1)>' } }],
    ['lower-case or short fingerprint', { ...hello, identity: { ...identity, fingerprint: 'SHA256:ab:cd' } }],
    ['agent id not a UUID', { ...hello, identity: { ...identity, agentId: 'x' } }],
    ['protocol as string', { ...hello, protocol: '1' }],
    ['unknown role', { ...hello, role: 'root' }],
    ['time not ISO', { ...hello, now: 'yesterday' }],
    ['not an object', 'hello'],
  ])('reject a hello with %s', (_label, payload) => {
    expect(helloSchema.safeParse(payload).success).toBe(false);
  });

  it('rejects a snapshot with a negative or fractional seq', () => {
    const base = { epoch: 'run-1', takenAt: hello.now, identity, startedAt: hello.now, devices: { loaders: [], drives: [], media: [], pools: [] }, jobs: { active: [], recent: [] }, schedules: { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay: '2026-11-23', lastCheck: null }, license };
    expect(snapshotSchema.safeParse({ ...base, seq: -1 }).success).toBe(false);
    expect(snapshotSchema.safeParse({ ...base, seq: 1.5 }).success).toBe(false);
    expect(snapshotSchema.safeParse({ ...base, seq: 1 }).success).toBe(true);
    const { license: _license, ...withoutLicense } = base;
    expect(snapshotSchema.safeParse({ ...withoutLicense, seq: 1 }).success).toBe(false);
    expect(snapshotSchema.safeParse({ ...base, seq: 1, license: { ...license, status: 'cracked' } }).success).toBe(false);
  });

  it('requires a token and a numeric protocol in the handshake', () => {
    expect(handshakeAuthSchema.safeParse({ protocol: 1 }).success).toBe(false);
    expect(handshakeAuthSchema.safeParse({ token: '', protocol: 1 }).success).toBe(false);
    expect(handshakeAuthSchema.safeParse({ token: 'x'.repeat(513), protocol: 1 }).success).toBe(false);
    expect(handshakeAuthSchema.safeParse({ token: 't', protocol: 1, lastSeq: -4 }).success).toBe(false);
    expect(handshakeAuthSchema.parse({ token: 't', protocol: 1, lastSeq: 4 })).toEqual({ token: 't', protocol: 1, lastSeq: 4 });
  });

  it('acks are a discriminated union with a known error code', () => {
    const ack = ackSchema(z.object({ n: z.number() }));
    expect(ack.parse({ ok: true, data: { n: 1 } })).toEqual({ ok: true, data: { n: 1 } });
    expect(ack.safeParse({ ok: true, error: { code: 'INTERNAL', message: 'x' } }).success).toBe(false);
    expect(ack.safeParse({ ok: false, error: { code: 'NO_SUCH_CODE', message: 'x' } }).success).toBe(false);
    expect(connectErrorDataSchema.safeParse({ code: 'AUTH_FAILED' }).success).toBe(false);
  });
});

describe('console API argument schemas', () => {
  const good = { name: 'hq-berlin', host: 'backup1.example.org', port: 7443, token: 'floe_x', fingerprint: FINGERPRINT };

  it('accept a well-formed addLocation', () => {
    expect(addLocationArgsSchema.parse(good)).toEqual(good);
  });

  it.each([
    ['an extra field', { ...good, admin: true }],
    ['port 0', { ...good, port: 0 }],
    ['port 70000', { ...good, port: 70000 }],
    ['a host with a path', { ...good, host: 'evil.example/../x' }],
    ['an empty token', { ...good, token: '' }],
    ['a bad fingerprint', { ...good, fingerprint: 'SHA1:AB' }],
  ])('reject addLocation with %s', (_label, args) => {
    expect(addLocationArgsSchema.safeParse(args).success).toBe(false);
  });

  it('every call has an argument and a result schema', () => {
    for (const [name, call] of Object.entries(consoleCalls)) {
      expect(call.args, name).toBeInstanceOf(z.ZodType);
      expect(call.result, name).toBeInstanceOf(z.ZodType);
    }
  });
});
