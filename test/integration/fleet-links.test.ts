import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore, type ConsoleCore } from '../../main/core/console-core.js';
import type { LocationView } from '../../shared/fleet.js';
import { initAgent, spawnAgent, startInProcess, tempDir, waitFor, type SpawnedAgent } from '../helpers/agents.js';
import type { RunningAgent } from '../../agent/server/agent.js';

const FAST = { minMs: 50, maxMs: 400, jitter: 0.5 };

describe('console core against real agents over TLS', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function core(): ConsoleCore {
    const created = createConsoleCore({ configDir: tempDir('console'), backoff: FAST, pushIntervalMs: 10 });
    cleanups.push(() => created.dispose());
    return created;
  }
  async function running(name: string): Promise<{ agent: RunningAgent; token: string; fingerprint: string }> {
    const init = await initAgent(name);
    const agent = await startInProcess(init);
    cleanups.push(() => agent.close());
    return { agent, token: init.token, fingerprint: init.fingerprint };
  }
  const statusOf = (console: ConsoleCore, id: string): LocationView | undefined => console.fleet.location(id);

  it('registers two agents and sees both Online with their identity', async () => {
    const console = core();
    const a = await running('hq-berlin');
    const b = await running('branch-lyon');
    const probe = await console.service.probeLocation({ host: '127.0.0.1', port: a.agent.port });
    expect(probe.fingerprint).toBe(a.fingerprint);
    expect(probe.subject).toBe('hq-berlin');
    const viewA = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: a.agent.port, token: a.token, fingerprint: probe.fingerprint });
    const viewB = await console.service.addLocation({ name: 'branch-lyon', host: '127.0.0.1', port: b.agent.port, token: b.token, fingerprint: b.fingerprint });
    await waitFor('both online', () => statusOf(console, viewA.id)?.status === 'online' && statusOf(console, viewB.id)?.status === 'online');
    const fleet = await console.service.getFleet({});
    expect(fleet.locations.map((l) => [l.name, l.status, l.agent?.name])).toEqual([
      ['branch-lyon', 'online', 'branch-lyon'],
      ['hq-berlin', 'online', 'hq-berlin'],
    ]);
    expect((await console.service.probeLocation({ host: '127.0.0.1', port: a.agent.port })).knownAs).toBe('hq-berlin');
  });

  it('shows Auth failed for a wrong token', async () => {
    const console = core();
    const a = await running('hq-berlin');
    const other = await initAgent('elsewhere');
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: a.agent.port, token: other.token, fingerprint: a.fingerprint });
    const seen = await waitFor('auth failed', () => (statusOf(console, view.id)?.status === 'auth-failed' ? statusOf(console, view.id) : undefined));
    expect(seen.detail).toMatch(/token/);
  });

  it('shows Certificate mismatch for a wrong pinned fingerprint', async () => {
    const console = core();
    const a = await running('hq-berlin');
    const other = await initAgent('impostor');
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: a.agent.port, token: a.token, fingerprint: other.fingerprint });
    const seen = await waitFor('cert mismatch', () => (statusOf(console, view.id)?.status === 'cert-mismatch' ? statusOf(console, view.id) : undefined));
    expect(seen.detail).toContain(a.fingerprint);
    expect(seen.agent).toBeNull();
  });

  it('shows Version mismatch when console and agent speak different protocols', async () => {
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: FAST, protocol: 999 });
    cleanups.push(() => console.dispose());
    const a = await running('hq-berlin');
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: a.agent.port, token: a.token, fingerprint: a.fingerprint });
    const seen = await waitFor('version mismatch', () => (statusOf(console, view.id)?.status === 'version-mismatch' ? statusOf(console, view.id) : undefined));
    expect(seen.detail).toMatch(/protocol 1.*999/);
  });

  it('a killed agent becomes Offline with a last-seen time and comes back Online when restarted', async () => {
    const console = core();
    const init = await initAgent('dr-site');
    let spawned: SpawnedAgent = await spawnAgent(init.dataDir);
    cleanups.push(() => spawned.kill());
    const view = await console.service.addLocation({ name: 'dr-site', host: '127.0.0.1', port: spawned.port, token: init.token, fingerprint: init.fingerprint });
    await waitFor('online', () => statusOf(console, view.id)?.status === 'online');
    const onlineAt = statusOf(console, view.id)?.lastSeen;
    expect(onlineAt).toBeTruthy();

    await spawned.kill('SIGKILL');
    const offline = await waitFor('offline', () => (statusOf(console, view.id)?.status === 'offline' ? statusOf(console, view.id) : undefined));
    expect(offline.lastSeen).not.toBeNull();
    expect(Date.parse(offline.lastSeen ?? '')).toBeGreaterThanOrEqual(Date.parse(onlineAt ?? ''));

    spawned = await spawnAgent(init.dataDir, { port: spawned.port });
    await waitFor('online again', () => statusOf(console, view.id)?.status === 'online', 15_000);
  });

  it('removing a location disposes its link: the agent sees the console leave', async () => {
    const console = core();
    const a = await running('hq-berlin');
    const view = await console.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: a.agent.port, token: a.token, fingerprint: a.fingerprint });
    await waitFor('online', () => statusOf(console, view.id)?.status === 'online');
    expect(a.agent.connectionCount()).toBe(1);
    expect(await console.service.removeLocation({ id: view.id })).toEqual({ removed: true });
    await waitFor('agent sees no console', () => a.agent.connectionCount() === 0);
    expect((await console.service.getFleet({})).locations).toEqual([]);
  });
});

describe('certificate pinning', () => {
  it('hangs up after the TLS handshake when the fingerprint differs: not one byte of HTTP reaches the server', async () => {
    const { createServer } = await import('node:tls');
    const { readFileSync } = await import('node:fs');
    const { dataDirPaths } = await import('../../agent/data-dir.js');
    const impostor = await initAgent('impostor');
    const paths = dataDirPaths(impostor.dataDir);
    let received = 0;
    const server = createServer({ key: readFileSync(paths.tlsKey), cert: readFileSync(paths.tlsCert) }, (socket) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as import('node:net').AddressInfo).port;
    const genuine = await initAgent('genuine');
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: FAST });
    try {
      const view = await console.service.addLocation({ name: 'genuine', host: '127.0.0.1', port, token: genuine.token, fingerprint: genuine.fingerprint });
      await waitFor('cert mismatch', () => console.fleet.location(view.id)?.status === 'cert-mismatch');
      await new Promise((r) => setTimeout(r, 100));
      expect(received).toBe(0);
    } finally {
      console.dispose();
      server.close();
    }
  });
});
