/** Devices on a real agent: a virtual tape library on real directories, driven over the real protocol. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createConsoleCore } from '../../main/core/console-core.js';
import { PinnedAgent } from '../../main/core/pinning.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import { TokenStore } from '../../agent/tokens.js';
import type { InitResult } from '../../agent/init.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import type { DevicesState } from '../../shared/devices.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { followLocations } from '../helpers/topic-replica.js';

type Raw = Socket & { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agentWith(name = 'hq-berlin'): Promise<{ init: InitResult; agent: RunningAgent }> {
  const init = await initAgent(name);
  const agent = await startInProcess(init);
  cleanups.push(() => agent.close());
  return { init, agent };
}

async function connect(init: InitResult, port: number, token = init.token): Promise<Raw> {
  const socket = io(`https://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    agent: new PinnedAgent(init.fingerprint) as unknown as string,
    auth: { token, protocol: PROTOCOL_VERSION },
  }) as Raw;
  cleanups.push(() => {
    socket.close();
  });
  await new Promise<void>((done, fail) => {
    socket.once('snapshot', () => done());
    socket.once('connect_error', fail);
  });
  return socket;
}

async function ok<T = unknown>(socket: Raw, event: string, args: unknown): Promise<T> {
  const reply = (await socket.emitWithAck(event, args)) as { ok: boolean; data?: T; error?: { code: string; message: string } };
  if (!reply.ok) throw new Error(`${event} failed: ${reply.error?.code} ${reply.error?.message}`);
  return reply.data as T;
}

async function refused(socket: Raw, event: string, args: unknown): Promise<{ code: string; message: string }> {
  const reply = (await socket.emitWithAck(event, args)) as { ok: boolean; error?: { code: string; message: string } };
  expect(reply.ok, `${event} should be refused`).toBe(false);
  return reply.error ?? { code: '', message: '' };
}

const LIBRARY = { name: 'lib1', kind: 'vtl', drives: 2, slots: 6, ieSlots: 2, capacity: 64 * 1024 * 1024, barcodePrefix: 'FLO', cartridges: 4 };

describe('virtual tape library', () => {
  it('creates a library, labels media, loads, unloads, transfers, imports and exports on real directories', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    const root = join(dataDirPaths(init.dataDir).vtlDir, 'lib1');
    await ok(socket, 'loader:create', LIBRARY);
    expect(existsSync(join(root, 'slot-001', 'FLO001'))).toBe(true);
    expect(existsSync(join(root, 'slot-005'))).toBe(true);

    await ok(socket, 'pool:add', { name: 'DAILY' });
    const media = await ok<{ label: string; state: string }>(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' });
    expect(media).toMatchObject({ label: 'DAILY00001', state: 'scratch' });
    expect(JSON.parse(readFileSync(join(root, 'slot-001', 'FLO001', '00000.label'), 'utf8'))).toMatchObject({ label: 'DAILY00001', pool: 'DAILY', barcode: 'FLO001' });

    const loaded = await ok<{ barcode: string; media: string }>(socket, 'loader:load', { loader: 'lib1', slot: 1, drive: 1 });
    expect(loaded).toMatchObject({ barcode: 'FLO001', media: 'DAILY00001' });
    expect(existsSync(join(root, 'drive-1', 'FLO001@1'))).toBe(true);
    expect(existsSync(join(root, 'slot-001', 'FLO001'))).toBe(false);

    await ok(socket, 'loader:transfer', { loader: 'lib1', from: 2, to: 1 }); // the home slot of drive 1 is now taken
    const unloaded = await ok<{ barcode: string | null }>(socket, 'loader:unload', { loader: 'lib1', drive: 1 });
    expect(unloaded.barcode).toBeNull();
    expect(existsSync(join(root, 'slot-002', 'FLO001'))).toBe(true); // home taken: the first free storage slot

    await ok(socket, 'loader:export', { loader: 'lib1', from: 2 });
    expect(existsSync(join(root, 'ie-007', 'FLO001'))).toBe(true);
    const list = await ok<Array<{ label: string; location: unknown }>>(socket, 'media:list', {});
    expect(list[0]?.location).toEqual({ kind: 'ie', loader: 'lib1', element: 7 });
    await ok(socket, 'loader:import', { loader: 'lib1', to: 6 });
    expect(existsSync(join(root, 'slot-006', 'FLO001'))).toBe(true);
    expect(existsSync(join(root, 'ie-007', 'FLO001'))).toBe(false);
  });

  it('refuses bad operations with a clear reason and changes nothing', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    await ok(socket, 'pool:add', { name: 'DAILY' });
    await ok(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' });
    const before = await ok<unknown>(socket, 'loader:inventory', { name: 'lib1', refresh: true });

    expect(await refused(socket, 'loader:load', { loader: 'lib1', slot: 5, drive: 0 })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/slot 5 .* empty/) });
    expect(await refused(socket, 'loader:load', { loader: 'lib1', slot: 1, drive: 7 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(socket, 'loader:transfer', { loader: 'lib1', from: 1, to: 2 })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/slot 2 .* full/) });
    expect(await refused(socket, 'loader:import', { loader: 'lib1' })).toMatchObject({ code: 'CONFLICT' });
    expect(await refused(socket, 'loader:export', { loader: 'lib1', from: 7 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(socket, 'media:label', { loader: 'lib1', slot: 2, pool: 'DAILY', label: 'DAILY00001' })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already in use/) });
    expect(await refused(socket, 'media:label', { loader: 'lib1', slot: 2, pool: 'DAILY', label: 'WEEKLY00001' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(socket, 'media:label', { loader: 'lib1', slot: 2, pool: 'NOPE' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refused(socket, 'pool:add', { name: 'DAILY' })).toMatchObject({ code: 'CONFLICT' });
    expect(await refused(socket, 'pool:add', { name: 'WEEKLY', labelPattern: '^X\\d+$' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(socket, 'loader:create', { ...LIBRARY })).toMatchObject({ code: 'CONFLICT' });
    expect(await refused(socket, 'loader:create', { ...LIBRARY, name: 'lib2', drives: 0 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refused(socket, 'loader:create', { ...LIBRARY, name: '../escape' })).toMatchObject({ code: 'BAD_REQUEST' });

    const after = await ok<unknown>(socket, 'loader:inventory', { name: 'lib1', refresh: true });
    expect({ ...(after as object), inventoryAt: null }).toEqual({ ...(before as object), inventoryAt: null });
  });

  it('relabels scratch media, but media holding data only with force', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    await ok(socket, 'pool:add', { name: 'DAILY' });
    await ok(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' });
    const again = await ok<{ label: string }>(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY', label: 'DAILY00007' });
    expect(again.label).toBe('DAILY00007');
    const all = await ok<Array<{ label: string }>>(socket, 'media:list', {});
    expect(all.map((m) => m.label)).toEqual(['DAILY00007']);

    // The backup engine marks media it wrote as "append"; stand in for it through the catalog file.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(dataDirPaths(init.dataDir).catalog);
    db.prepare("UPDATE media SET state = 'append' WHERE label = 'DAILY00007'").run();
    db.close();
    expect(await refused(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/DAILY00007 \(append\).*--force/) });
    expect(readFileSync(join(dataDirPaths(init.dataDir).vtlDir, 'lib1', 'slot-001', 'FLO001', '00000.label'), 'utf8')).toContain('DAILY00007');
    expect(await ok(socket, 'media:label', { loader: 'lib1', slot: 1, pool: 'DAILY', force: true })).toMatchObject({ label: 'DAILY00008', state: 'scratch' });
  });

  it('keeps its state across an agent restart', async () => {
    const init = await initAgent('hq-berlin');
    const first = await startInProcess(init);
    const socket = await connect(init, first.port);
    await ok(socket, 'loader:create', LIBRARY);
    await ok(socket, 'pool:add', { name: 'DAILY' });
    await ok(socket, 'media:label', { loader: 'lib1', slot: 3, pool: 'DAILY' });
    await ok(socket, 'loader:load', { loader: 'lib1', slot: 3, drive: 0 });
    const before = await ok<DevicesState>(socket, 'snapshot:request', {});
    socket.close();
    await first.close();

    const second = await startInProcess(init, first.port);
    cleanups.push(() => second.close());
    const again = await connect(init, second.port);
    const after = await ok<{ devices: DevicesState }>(again, 'snapshot:request', {});
    const strip = (state: DevicesState) => ({ ...state, loaders: state.loaders.map((l) => ({ ...l, inventoryAt: null })) });
    expect(strip(after.devices)).toEqual(strip((before as unknown as { devices: DevicesState }).devices));
    expect(after.devices.drives[0]).toMatchObject({ barcode: 'FLO003', media: 'DAILY00001', state: 'idle' });
  });

  it('serialises concurrent operations on one drive: one load wins, the other is refused cleanly', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    const results = await Promise.all([
      socket.emitWithAck('loader:load', { loader: 'lib1', slot: 1, drive: 0 }),
      socket.emitWithAck('loader:load', { loader: 'lib1', slot: 2, drive: 0 }),
      socket.emitWithAck('loader:unload', { loader: 'lib1', drive: 0 }),
      socket.emitWithAck('loader:load', { loader: 'lib1', slot: 3, drive: 0 }),
    ]);
    expect(results.map((r) => (r as { ok: boolean }).ok)).toEqual([true, false, true, true]);
    const snapshot = await ok<{ devices: DevicesState }>(socket, 'snapshot:request', {});
    const lib = snapshot.devices.loaders[0];
    expect(lib?.elements.filter((e) => e.full).map((e) => e.barcode).sort()).toEqual(['FLO001', 'FLO002', 'FLO003', 'FLO004']);
    expect(snapshot.devices.drives[0]?.barcode).toBe('FLO003');
  });

  it('flags a slot where the changer and the catalog disagree, without fixing it', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    const { renameSync } = await import('node:fs');
    const root = join(dataDirPaths(init.dataDir).vtlDir, 'lib1');
    renameSync(join(root, 'slot-004', 'FLO004'), join(root, 'slot-006', 'FLO004')); // an operator moved a tape by hand
    const loader = await ok<{ mismatches: unknown[] }>(socket, 'loader:inventory', { name: 'lib1', refresh: true });
    expect(loader.mismatches).toEqual([
      { element: 4, kind: 'slot', expected: 'FLO004', found: null },
      { element: 6, kind: 'slot', expected: null, found: 'FLO004' },
    ]);
  });

  it('removes a loader only when nothing uses it', async () => {
    const { openCatalog } = await import('../../agent/catalog/database.js');
    const { DeviceService } = await import('../../agent/devices/device-service.js');
    const { Publisher } = await import('../../agent/server/publisher.js');
    const { silentLogger } = await import('../../agent/log.js');
    const root = tempDir('devices');
    const paths = dataDirPaths(root);
    const db = openCatalog(paths.catalog);
    cleanups.push(() => {
      db.close();
    });
    const config = { name: 'hq', agentId: '6b0b5c2e-8c1c-4a8e-9d0a-3f3d2d9b1a10', listen: { host: '127.0.0.1', port: 0 }, createdAt: new Date().toISOString() };
    const devices = await DeviceService.open({ config, paths, db, logger: silentLogger(), clock: () => new Date(), publisher: new Publisher(() => new Date()) });
    await devices.createLoader({ ...LIBRARY, kind: 'vtl' });
    const loading = devices.load('lib1', 1, 0);
    await expect(devices.removeLoader('lib1')).rejects.toMatchObject({ code: 'BUSY', message: expect.stringMatching(/in use/) });
    await loading;
    await devices.removeLoader('lib1');
    expect(devices.listLoaders()).toEqual([]);
    expect(existsSync(join(paths.vtlDir, 'lib1', 'drive-0', 'FLO001@1'))).toBe(true); // the library's data stays
  });

  it('a drive whose move fails in the hardware shows error with the reason until an operation succeeds', async () => {
    const { openCatalog } = await import('../../agent/catalog/database.js');
    const { DeviceService } = await import('../../agent/devices/device-service.js');
    const { vtlAdapters } = await import('../../agent/devices/loader-runtime.js');
    const { DeviceError } = await import('../../agent/devices/adapters.js');
    const { Publisher } = await import('../../agent/server/publisher.js');
    const { silentLogger } = await import('../../agent/log.js');
    const paths = dataDirPaths(tempDir('devices'));
    const db = openCatalog(paths.catalog);
    cleanups.push(() => {
      db.close();
    });
    let jammed = true;
    const factory = (row: { name: string }, vtlRoot: string) => {
      const adapters = vtlAdapters(join(vtlRoot, row.name));
      const changer = adapters.changer;
      return {
        ...adapters,
        changer: {
          status: () => changer.status(),
          load: (slot: number, drive: number) => (jammed ? Promise.reject(new DeviceError('DEVICE_FAILED', 'picker jammed')) : changer.load(slot, drive)),
          unload: (drive: number, slot: number) => changer.unload(drive, slot),
          transfer: (from: number, to: number) => changer.transfer(from, to),
        },
      };
    };
    const config = { name: 'hq', agentId: '6b0b5c2e-8c1c-4a8e-9d0a-3f3d2d9b1a10', listen: { host: '127.0.0.1', port: 0 }, createdAt: new Date().toISOString() };
    const devices = await DeviceService.open({ config, paths, db, logger: silentLogger(), clock: () => new Date(), publisher: new Publisher(() => new Date()) }, factory);
    await devices.createLoader({ ...LIBRARY, kind: 'vtl' });
    await expect(devices.load('lib1', 1, 0)).rejects.toMatchObject({ code: 'DEVICE_FAILED', message: expect.stringContaining('picker jammed') });
    expect(devices.listDrives()[0]).toMatchObject({ state: 'error', detail: expect.stringContaining('picker jammed') });
    jammed = false;
    await devices.load('lib1', 1, 0);
    expect(devices.listDrives()[0]).toMatchObject({ state: 'idle', detail: null, barcode: 'FLO001' });
  });

  it('cleans a drive with a CLN cartridge and counts its uses', async () => {
    const { init, agent } = await agentWith();
    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    expect(await refused(socket, 'drive:clean', { loader: 'lib1', drive: 0 })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/cleaning cartridge/) });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dataDirPaths(init.dataDir).vtlDir, 'lib1', 'ie-008', 'CLN001'));
    await ok(socket, 'loader:inventory', { name: 'lib1', refresh: true });
    await ok(socket, 'loader:import', { loader: 'lib1', from: 8 });
    expect(await ok(socket, 'drive:clean', { loader: 'lib1', drive: 0 })).toMatchObject({ cleaningBarcode: 'CLN001', uses: 1 });
    expect(await ok(socket, 'drive:clean', { loader: 'lib1', drive: 1 })).toMatchObject({ cleaningBarcode: 'CLN001', uses: 2 });
    expect(await refused(socket, 'media:label', { loader: 'lib1', slot: 5, pool: 'DAILY' })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('device protocol', () => {
  it('refuses every change to a monitor token, and lets it read', async () => {
    const init = await initAgent('hq-berlin');
    const monitor = new TokenStore(dataDirPaths(init.dataDir).tokens).create('monitor', new Date()).token;
    const agent = await startInProcess(init);
    cleanups.push(() => agent.close());
    const socket = await connect(init, agent.port, monitor);
    const changes: Array<[string, unknown]> = [
      ['loader:create', LIBRARY],
      ['loader:remove', { name: 'lib1' }],
      ['loader:load', { loader: 'lib1', slot: 1, drive: 0 }],
      ['loader:unload', { loader: 'lib1', drive: 0 }],
      ['loader:transfer', { loader: 'lib1', from: 1, to: 5 }],
      ['loader:import', { loader: 'lib1' }],
      ['loader:export', { loader: 'lib1', from: 1 }],
      ['drive:clean', { loader: 'lib1', drive: 0 }],
      ['pool:add', { name: 'DAILY' }],
      ['media:label', { loader: 'lib1', slot: 1, pool: 'DAILY' }],
    ];
    for (const [event, args] of changes) {
      expect(await refused(socket, event, args), event).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/admin token/) });
    }
    expect(await ok(socket, 'loader:list', {})).toEqual([]);
    expect(await ok(socket, 'media:list', {})).toEqual([]);
    expect(await ok(socket, 'pool:list', {})).toEqual([]);
  });

  it('the console core sees the snapshot and a delta after each operation, ending equal to the agent', async () => {
    const { init, agent } = await agentWith();
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 } });
    cleanups.push(() => console.dispose());
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: init.token, fingerprint: init.fingerprint });
    await waitFor('online', () => console.fleet.location(view.id)?.status === 'online');
    const admin = await connect(init, agent.port);
    const seqs: number[] = [];
    admin.on('delta', (delta: { seq: number }) => seqs.push(delta.seq));
    const detail = () => console.service.getLocationDetail({ id: view.id });
    const followed = followLocations(console.service);
    cleanups.push(followed.stop);

    await ok(admin, 'loader:create', LIBRARY);
    await expect.poll(async () => (await detail()).devices?.loaders.map((l) => l.name)).toEqual(['lib1']);
    await ok(admin, 'pool:add', { name: 'DAILY' });
    await expect.poll(async () => (await detail()).devices?.pools.map((p) => p.name)).toEqual(['DAILY']);
    await ok(admin, 'media:label', { loader: 'lib1', slot: 2, pool: 'DAILY' });
    await expect.poll(async () => (await detail()).devices?.media.map((m) => m.label)).toEqual(['DAILY00001']);
    await ok(admin, 'loader:load', { loader: 'lib1', slot: 2, drive: 1 });
    await expect.poll(async () => (await detail()).devices?.drives[1]?.media).toBe('DAILY00001');

    const truth = await ok<{ seq: number; devices: DevicesState }>(admin, 'snapshot:request', {});
    await expect.poll(async () => (await detail()).seq).toBe(truth.seq);
    expect((await detail()).devices).toEqual(truth.devices);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i));
    await expect.poll(() => followed.details.get(view.id)?.seq).toBe(truth.seq);
    expect(followed.details.get(view.id)?.devices).toEqual(truth.devices);
    const members = followed.pushes.flatMap((push) => push.locations);
    expect(members.every((member) => member.id === view.id)).toBe(true);
    expect(members.length).toBeLessThan(seqs.length); // coalesced, not one push per delta
  });
});

describe('device actions from the console', () => {
  it('forwards validated calls to the agent and reports its refusals, the monitor role and offline locations', async () => {
    const { dispatchCall } = await import('../../main/core/dispatch.js');
    const init = await initAgent('hq-berlin');
    const monitorToken = new TokenStore(dataDirPaths(init.dataDir).tokens).create('monitor', new Date()).token;
    const agent = await startInProcess(init);
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 } });
    cleanups.push(() => console.dispose());
    const admin = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: init.token, fingerprint: init.fingerprint });
    const monitor = await createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 } });
    cleanups.push(() => monitor.dispose());
    const watcher = await monitor.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: monitorToken, fingerprint: init.fingerprint });
    await waitFor('both online', () => console.fleet.location(admin.id)?.status === 'online' && monitor.fleet.location(watcher.id)?.status === 'online');

    const socket = await connect(init, agent.port);
    await ok(socket, 'loader:create', LIBRARY);
    expect(await dispatchCall(console.service, 'loaderLoad', { id: admin.id, args: { loader: 'lib1', slot: 1, drive: 0 } })).toMatchObject({ ok: true, data: { barcode: 'FLO001' } });
    expect(await dispatchCall(console.service, 'loaderLoad', { id: admin.id, args: { loader: 'lib1', slot: 1, drive: 0 } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await dispatchCall(console.service, 'loaderLoad', { id: admin.id, args: { loader: 'lib1', slot: -1, drive: 0 } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatchCall(monitor.service, 'loaderUnload', { id: watcher.id, args: { loader: 'lib1', drive: 0 } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await dispatchCall(monitor.service, 'loaderInventory', { id: watcher.id, args: { name: 'lib1', refresh: true } })).toMatchObject({ ok: true });

    await agent.close();
    await waitFor('offline', () => console.fleet.location(admin.id)?.status === 'offline');
    expect(await dispatchCall(console.service, 'loaderUnload', { id: admin.id, args: { loader: 'lib1', drive: 0 } })).toMatchObject({ ok: false, error: { code: 'UNREACHABLE' } });
  });
});
