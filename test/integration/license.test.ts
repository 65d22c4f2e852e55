/** Licensing end to end: a real agent, the real floe-agent and floe-license CLIs, real sockets. */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { initAgent, REPO_ROOT, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import type { InitResult } from '../../agent/init.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import { TokenStore } from '../../agent/tokens.js';
import { generateVendorKeyPair, parsePrivateKey, signLicense } from '../../agent/license/keys.js';
import { deltaSchema, snapshotSchema, type Delta } from '../../shared/protocol/catalog.js';
import { licenseStatusSchema, type LicenseStatus } from '../../shared/license.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { PinnedAgent } from '../../main/core/pinning.js';

const exec = promisify(execFile);
async function cli(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', join(REPO_ROOT, script), ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
const floeAgent = (...args: string[]) => cli('agent/cli/main.ts', args);
const floeLicense = (...args: string[]) => cli('agent/license/vendor-cli.ts', args);

const inOneYear = () => new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().slice(0, 10);

let init: InitResult;
let agent: RunningAgent;
let monitorToken: string;
beforeAll(async () => {
  init = await initAgent('hq-berlin');
  monitorToken = new TokenStore(dataDirPaths(init.dataDir).tokens).create('monitor', new Date()).token;
  agent = await startInProcess(init);
});
afterAll(() => agent.close());

function connect(token: string): Promise<Socket> {
  const socket = io(`https://127.0.0.1:${agent.port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    agent: new PinnedAgent(init.fingerprint) as unknown as string,
    auth: { token, protocol: PROTOCOL_VERSION },
  });
  return new Promise((done, fail) => {
    socket.once('snapshot', () => done(socket));
    socket.once('connect_error', fail);
  });
}

async function call(socket: Socket, event: string, args: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string } }> {
  return (await socket.timeout(10_000).emitWithAck(event, args)) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
}

describe('license through the CLIs', () => {
  it('keygen → trust → issue → install → show; a license for another server is refused and the previous one stays', { timeout: 120_000 }, async () => {
    const work = tempDir('vendor');
    const keys = join(work, 'keys');
    const keygen = await floeLicense('keygen', '--out', keys, '--json');
    expect(keygen.code, keygen.stderr).toBe(0);
    const pair = JSON.parse(keygen.stdout) as { privateKey: string; publicKey: string; fingerprint: string };
    expect(statSync(pair.privateKey).mode & 0o777).toBe(0o600);
    const again = await floeLicense('keygen', '--out', keys);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^floe-license: .*already holds a key pair.*\n$/);

    const trial = await floeAgent('license', 'show', '--data', init.dataDir, '--json');
    expect(trial.code, trial.stderr).toBe(0);
    expect(licenseStatusSchema.parse(JSON.parse(trial.stdout))).toMatchObject({ status: 'trial', daysLeft: 30 });

    const expires = inOneYear();
    const licenseFile = join(work, 'hq.license.json');
    const issue = ['issue', '--key', pair.privateKey, '--edition', 'standard', '--modules', 'vtl,tape', '--expires', expires];
    const issued = await floeLicense(...issue, '--server', 'hq-berlin', '--licensee', 'Example GmbH', '--drives', '4', '--loaders', '2', '--capacity-tib', '50', '--out', licenseFile);
    expect(issued.code, issued.stderr).toBe(0);

    const untrusted = await floeAgent('license', 'install', licenseFile, '--data', init.dataDir);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/^floe-agent: license refused: .*does not match any trusted vendor key.*\(LICENSE\)\n$/);

    const trusted = await floeAgent('license', 'trust', pair.publicKey, '--data', init.dataDir, '--json');
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toEqual({ fingerprint: pair.fingerprint });

    const installed = await floeAgent('license', 'install', licenseFile, '--data', init.dataDir, '--json');
    expect(installed.code, installed.stderr).toBe(0);
    const shown = await floeAgent('license', 'show', '--data', init.dataDir, '--json');
    const status = licenseStatusSchema.parse(JSON.parse(shown.stdout));
    const fileLicense = (JSON.parse(readFileSync(licenseFile, 'utf8')) as { license: { id: string } }).license;
    expect(status).toMatchObject({
      status: 'valid',
      edition: 'standard',
      modules: ['vtl', 'tape'],
      limits: { drives: 4, loaders: 2, capacityTiB: 50 },
      usage: { drives: 0, loaders: 0 },
      licenseId: fileLicense.id,
      licensee: 'Example GmbH',
      server: 'hq-berlin',
      ip: null,
      expires: `${expires}T23:59:59.000Z`,
      reason: null,
    });
    expect(status.daysLeft).toBeGreaterThanOrEqual(365);
    expect((await floeAgent('license', 'show', '--data', init.dataDir)).stdout).toMatch(/status: {4}valid/);

    const foreignFile = join(work, 'paris.license.json');
    expect((await floeLicense(...issue, '--server', 'branch-paris', '--out', foreignFile)).code).toBe(0);
    const foreign = await floeAgent('license', 'install', foreignFile, '--data', init.dataDir);
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toMatch(/^floe-agent: license refused: the license is issued for server "branch-paris" but this agent is "hq-berlin".*\(LICENSE\)\n$/);
    const after = licenseStatusSchema.parse(JSON.parse((await floeAgent('license', 'show', '--data', init.dataDir, '--json')).stdout));
    expect(after).toMatchObject({ status: 'valid', licenseId: fileLicense.id, server: 'hq-berlin' });
  });

  it('the vendor tool fails with a one-line reason on bad input', { timeout: 60_000 }, async () => {
    const work = tempDir('vendor');
    const missing = await floeLicense('issue', '--key', join(work, 'nope.pem'), '--server', 'hq', '--edition', 'e', '--modules', 'vtl', '--expires', '2030-01-01', '--out', join(work, 'x.json'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/^floe-license: .*nope\.pem.*\n$/);
    const badDate = await floeLicense('issue', '--key', join(work, 'nope.pem'), '--server', 'hq', '--edition', 'e', '--modules', 'vtl', '--expires', 'soon', '--out', join(work, 'x.json'));
    expect(badDate.code).not.toBe(0);
    expect(badDate.stderr).toMatch(/^floe-license: --expires "soon" is not a date; use YYYY-MM-DD.*\n$/);
    const badCount = await floeLicense('issue', '--key', join(work, 'nope.pem'), '--drives', 'many');
    expect(badCount.code).not.toBe(0);
    expect(badCount.stderr).toMatch(/^floe-license: option '--drives <n>' argument 'many' is invalid.*\n$/);
  });
});

describe('license through the protocol', () => {
  it('admin installs, monitor is refused but may read, and consoles get the delta and the snapshot section', async () => {
    const vendor = generateVendorKeyPair();
    const now = new Date();
    const license = {
      id: 'LIC-PROTOCOL-1',
      licensee: 'Example GmbH',
      server: 'hq-berlin',
      edition: 'enterprise',
      modules: ['hooks', 'tape', 'vtl'],
      limits: { drives: null, loaders: null, capacityTiB: null },
      issued: now.toISOString(),
      expires: new Date(now.getTime() + 200 * 24 * 3600 * 1000).toISOString(),
      supportExpires: new Date(now.getTime() + 200 * 24 * 3600 * 1000).toISOString(),
    };
    const text = JSON.stringify(signLicense(license, parsePrivateKey(vendor.privatePem)));
    const admin = await connect(init.token);
    const monitor = await connect(monitorToken);
    try {
      const deltas: Delta[] = [];
      monitor.on('delta', (payload: unknown) => deltas.push(deltaSchema.parse(payload)));

      expect(await call(monitor, 'license:trust', { publicKeyPem: vendor.publicPem })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await call(admin, 'license:trust', { publicKeyPem: vendor.privatePem })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/private key/) as unknown } });
      expect(await call(admin, 'license:trust', { publicKeyPem: vendor.publicPem })).toMatchObject({ ok: true, data: { fingerprint: expect.stringMatching(/^SHA256:/) as unknown } });

      const refused = await call(monitor, 'license:install', { text });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/license:install needs an admin token/) as unknown } });
      expect(await call(admin, 'license:install', { text: 'x'.repeat(64 * 1024 + 1) })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const shownBefore = licenseStatusSchema.parse((await call(monitor, 'license:show', {})).data);
      expect(shownBefore.licenseId).not.toBe('LIC-PROTOCOL-1');

      const installed = await call(admin, 'license:install', { text });
      expect(installed.ok, JSON.stringify(installed.error)).toBe(true);
      expect(licenseStatusSchema.parse(installed.data)).toMatchObject({ status: 'valid', licenseId: 'LIC-PROTOCOL-1', edition: 'enterprise' });

      const delta = await waitFor('the license delta', () => deltas.find((d) => d.change.domain === 'license'));
      const change = delta.change.domain === 'license' ? delta.change.change.status : undefined;
      expect(change).toMatchObject({ status: 'valid', licenseId: 'LIC-PROTOCOL-1' });

      const shown = licenseStatusSchema.parse((await call(monitor, 'license:show', {})).data);
      expect(shown).toMatchObject({ status: 'valid', licenseId: 'LIC-PROTOCOL-1' });
      const snapshot = snapshotSchema.parse((await call(monitor, 'snapshot:request', {})).data);
      expect(snapshot.license).toMatchObject({ status: 'valid', licenseId: 'LIC-PROTOCOL-1' } satisfies Partial<LicenseStatus>);
      expect(snapshot.seq).toBeGreaterThanOrEqual(delta.seq);
    } finally {
      admin.close();
      monitor.close();
    }
  });
});
