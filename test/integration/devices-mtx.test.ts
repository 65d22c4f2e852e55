/**
 * An mtx changer on a real agent, with the fakes of hardware we lack (test/tools/fake-mtx.mjs and
 * fake-mt.mjs): the device service, the mtx command flow and the parsers are the real code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InitResult } from '../../agent/init.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import { initAgent, REPO_ROOT, startInProcess, tempDir } from '../helpers/agents.js';
import { connectAdmin, type Raw } from '../helpers/engine.js';
const ENV_KEYS = ['FAKE_MTX_STATE', 'FAKE_MTX_INIT', 'FAKE_MTX_LOG', 'FAKE_MT_STATE', 'FAKE_MT_LOG'] as const;

let dir: string;
let init: InitResult;
let agent: RunningAgent;
let socket: Raw;

beforeEach(async () => {
  dir = tempDir('mtx-agent');
  Object.assign(process.env, {
    FAKE_MTX_STATE: join(dir, 'changer.json'),
    FAKE_MTX_INIT: join(REPO_ROOT, 'test/fixtures/mtx/two-drives-24-slots-4-ie.txt'),
    FAKE_MTX_LOG: join(dir, 'mtx.log'),
    FAKE_MT_STATE: join(dir, 'mt.json'),
    FAKE_MT_LOG: join(dir, 'mt.log'),
  });
  for (const drive of ['nst0', 'nst1']) writeFileSync(join(dir, drive), Buffer.alloc(0));
  init = await initAgent('tape-site');
  agent = await startInProcess(init);
  socket = await connectAdmin(init, agent.port);
});

afterEach(async () => {
  socket.close();
  await agent.close();
  for (const key of ENV_KEYS) delete process.env[key];
});

/** The fake changer with its two fake tape drives. */
const ltoLoader = () => ({
  name: 'lto',
  kind: 'mtx',
  device: '/dev/sg3',
  tapeDrives: [join(dir, 'nst0'), join(dir, 'nst1')],
  mtxCommand: join(REPO_ROOT, 'test/tools/fake-mtx.mjs'),
  mtCommand: join(REPO_ROOT, 'test/tools/fake-mt.mjs'),
});

const call = async (event: string, args: unknown) => (await socket.emitWithAck(event, args)) as { ok: boolean; data?: never; error?: { code: string; message: string } };

describe('mtx loader on the agent', () => {
  it('registers the changer, reads its inventory, labels a tape through the drive and moves it', async () => {
    const created = await call('loader:create', ltoLoader());
    expect(created.ok).toBe(true);
    expect(created.data).toMatchObject({ name: 'lto', kind: 'mtx', drives: 2, slots: 20, ieSlots: 4 });

    expect((await call('pool:add', { name: 'LTO' })).ok).toBe(true);
    const labelled = await call('media:label', { loader: 'lto', slot: 2, pool: 'LTO' });
    expect(labelled.error).toBeUndefined();
    expect(labelled.data).toMatchObject({ label: 'LTO00001', barcode: 'test22L1', location: { kind: 'slot', loader: 'lto', element: 2 } });
    expect(readFileSync(join(dir, 'nst0')).subarray(0, 13).toString()).toBe('FLOE-LABEL 1\n');

    const moves = readFileSync(join(dir, 'mtx.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(moves.filter((argv) => argv[2] !== 'status')).toEqual([
      ['-f', '/dev/sg3', 'load', '2', '0'],
      ['-f', '/dev/sg3', 'unload', '2', '0'],
    ]);
    const mt = readFileSync(join(dir, 'mt.log'), 'utf8');
    expect(mt).toContain('"rewind"');
    expect(mt).toContain('"offline"');

    const transferred = await call('loader:transfer', { loader: 'lto', from: 2, to: 21 });
    expect(transferred.ok).toBe(true);
    const media = await call('media:list', {});
    expect(media.data).toEqual([expect.objectContaining({ label: 'LTO00001', location: { kind: 'ie', loader: 'lto', element: 21 } })]);
  });

  it('refuses an unreachable changer and stores nothing', async () => {
    const created = await call('loader:create', { name: 'gone', kind: 'mtx', device: '/dev/sg9', tapeDrives: ['/dev/nst9'], mtxCommand: join(dir, 'no-such-mtx') });
    expect(created).toMatchObject({ ok: false, error: { code: 'DEVICE_FAILED' } });
    expect((await call('loader:list', {})).data).toEqual([]);
  });
});

describe('a changer that does not answer', () => {
  it('stays listed with its drives offline and the reason, until an inventory refresh succeeds', async () => {
    const created = await call('loader:create', ltoLoader());
    expect(created.ok).toBe(true);
    socket.close();
    await agent.close();

    const state = process.env.FAKE_MTX_STATE;
    delete process.env.FAKE_MTX_STATE; // the fake changer now fails every command
    agent = await startInProcess(init, 0);
    socket = await connectAdmin(init, agent.port);
    const drives = (await call('drive:list', {})).data as unknown as Array<{ state: string; detail: string | null }>;
    expect(drives.map((d) => d.state)).toEqual(['offline', 'offline']);
    expect(drives[0]?.detail).toMatch(/reading the inventory of lto/);
    expect((await call('loader:inventory', { name: 'lto', refresh: true })).error).toMatchObject({ code: 'DEVICE_FAILED' });

    process.env.FAKE_MTX_STATE = state;
    expect((await call('loader:inventory', { name: 'lto', refresh: true })).ok).toBe(true);
    expect(((await call('drive:list', {})).data as unknown as Array<{ state: string }>).map((d) => d.state)).toEqual(['idle', 'idle']);
  });
});
