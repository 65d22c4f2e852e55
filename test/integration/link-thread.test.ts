/** The core's link thread against a real agent: the links run there, their reports reach the core in order, and neither a dead thread nor a burst stalls or loses a location. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createConsoleCore } from '../../main/core/console-core.js';
import { LinkThreadHost } from '../../main/core/link-thread-host.js';
import { TurnQueue } from '../../main/core/turn-queue.js';
import type { LinkEvent } from '../../main/core/link-status.js';
import type { FromLinkThread, LinkReport, ToLinkThread } from '../../main/core/link-thread-protocol.js';
import type { Snapshot } from '../../shared/protocol/catalog.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';

const FAST = { minMs: 20, maxMs: 100, jitter: 0.5 };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function agent(name: string) {
  const init = await initAgent(name);
  const running = await startInProcess(init);
  cleanups.push(() => running.close());
  return { init, running, settings: { host: '127.0.0.1', port: running.port, fingerprint: init.fingerprint, token: init.token, backoff: FAST } };
}

function host(): LinkThreadHost {
  const created = new LinkThreadHost();
  cleanups.push(() => created.dispose());
  return created;
}

/**
 * A link of `linkHost` that never starts, whose 'unreachable' events take 0.1 ms each to handle;
 * `receive` hands the host a burst of them as the thread would send it.
 */
function slowLink(linkHost: LinkThreadHost) {
  const seen: number[] = [];
  const link = linkHost.link({ host: '127.0.0.1', port: 1, fingerprint: 'x', token: 'y' }, {
    onEvent: (event) => {
      if (event.type !== 'unreachable') return;
      seen.push(Number(event.detail));
      const until = performance.now() + 0.1;
      while (performance.now() < until);
    },
  });
  const id = (link as unknown as { id: number }).id;
  const burst = (count: number): LinkReport[] => Array.from({ length: count }, (_, i) => ({ link: id, kind: 'event', event: { type: 'unreachable', detail: String(i) } }));
  const receive = (reports: LinkReport[]): void => (linkHost as unknown as { received(message: unknown): void }).received({ type: 'reports', reports });
  return { seen, burst, receive };
}

const threadOf = (linkHost: LinkThreadHost): Worker | undefined => (linkHost as unknown as { worker: Worker | undefined }).worker;

describe('the link thread', () => {
  it('carries a location: online with the token role, the snapshot, commands and the agent refusals with their codes', async () => {
    const { settings } = await agent('hq-berlin');
    const events: LinkEvent[] = [];
    const snapshots: Snapshot[] = [];
    const link = host().link(settings, { onEvent: (event) => events.push(event), onSnapshot: (snapshot) => snapshots.push(snapshot) });
    link.start();
    await waitFor('online and a snapshot', () => events.some((event) => event.type === 'online') && snapshots.length > 0);
    expect(events[0]).toMatchObject({ type: 'online', hello: { identity: { name: 'hq-berlin' } } });
    expect(link.role).toBe('admin');
    expect(snapshots[0]?.license).toBeTruthy();
    const pools = await link.command('pool:list', {});
    expect(Array.isArray(pools)).toBe(true);
    await expect(link.command('loader:inventory', { name: 'nope' })).rejects.toMatchObject({ name: 'FloeError', code: 'NOT_FOUND' });
  });

  it('when the thread dies, each link is reported lost with the reason, a waiting command is refused UNREACHABLE, and a new thread brings the location back', async () => {
    const { settings } = await agent('hq-berlin');
    const linkHost = host();
    const events: LinkEvent[] = [];
    const link = linkHost.link(settings, { onEvent: (event) => events.push(event) });
    link.start();
    await waitFor('online', () => events.some((event) => event.type === 'online'));
    const first = threadOf(linkHost);
    expect(first).toBeDefined();
    // The thread is ended in the same turn: the agent (on this test's event loop) cannot have answered yet.
    const waiting = link.command('pool:list', {});
    await first?.terminate();
    await expect(waiting).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/link thread stopped/) });
    await waitFor('lost', () => events.find((event) => event.type === 'lost'));
    expect(events.find((event) => event.type === 'lost')).toMatchObject({ detail: expect.stringMatching(/^the console's link thread stopped/) });
    await waitFor('online again', () => events.filter((event) => event.type === 'online').length === 2);
    expect(threadOf(linkHost)).not.toBe(first);
    expect(Array.isArray(await link.command('pool:list', {}))).toBe(true);
  });

  it('a thread that does not start: each link is Offline with the reason, commands are refused, and the next try connects', async () => {
    const { settings } = await agent('hq-berlin');
    let tries = 0;
    const linkHost = new LinkThreadHost({
      startRetryMs: 50,
      start: async () => {
        tries += 1;
        if (tries === 1) throw new Error('no esbuild here');
        return new Worker(join(import.meta.dirname, '../../out/main/link-thread.js'));
      },
    });
    cleanups.push(() => linkHost.dispose());
    const events: LinkEvent[] = [];
    const link = linkHost.link(settings, { onEvent: (event) => events.push(event) });
    link.start();
    const refused = link.command('pool:list', {});
    await expect(refused).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringMatching(/link thread did not start \(no esbuild here\)/) });
    await waitFor('unreachable', () => events.find((event) => event.type === 'unreachable'));
    expect(events[0]).toMatchObject({ type: 'unreachable', detail: expect.stringMatching(/^the console's link thread did not start \(no esbuild here\); it tries again/) });
    await waitFor('online on the second try', () => events.some((event) => event.type === 'online'));
    expect(tries).toBe(2);
  });

  it('the core disposed: the thread closes its connections (the agent sees the console leave) and ends', async () => {
    const { settings, running } = await agent('hq-berlin');
    const linkHost = new LinkThreadHost();
    const events: LinkEvent[] = [];
    linkHost.link(settings, { onEvent: (event) => events.push(event) }).start();
    await waitFor('online', () => events.some((event) => event.type === 'online'));
    expect(running.connectionCount()).toBe(1);
    const thread = threadOf(linkHost) as Worker;
    const ended = new Promise<number>((resolve) => thread.once('exit', resolve));
    linkHost.dispose();
    await waitFor('agent sees no console', () => running.connectionCount() === 0);
    // It ends on its own (exit code 0), well before the grace after which it would be terminated (exit code 1).
    expect(await ended).toBe(0);
  });

  it('hands a burst over a few milliseconds per turn, in order, so the core keeps turning', async () => {
    const { seen, burst, receive } = slowLink(host());
    const reports = burst(3000);
    let turns = 0;
    const counting = setInterval(() => (turns += 1), 0);
    receive(reports);
    const firstTurn = seen.length;
    await waitFor('all handed over', () => seen.length === 3000);
    clearInterval(counting);
    expect(firstTurn).toBeLessThan(200);
    expect(turns).toBeGreaterThan(20);
    expect(seen).toEqual(reports.map((_, i) => i));
  });

  it("holds the core's pushes while a message is handed over: a push waits for the whole of it, or for the queue's longest hold", async () => {
    const queue = new TurnQueue(60);
    cleanups.push(() => queue.dispose());
    const linkHost = new LinkThreadHost({ holdPushes: () => queue.hold() });
    cleanups.push(() => linkHost.dispose());
    const { seen, burst, receive } = slowLink(linkHost);

    // 200 reports of 0.1 ms: several turns of 4 ms. The push falls due after the first slice and goes after the last.
    receive(burst(200));
    let pushedAfter = -1;
    queue.run(() => (pushedAfter = seen.length));
    await waitFor('pushed', () => pushedAfter >= 0);
    expect(pushedAfter).toBe(200);

    // 3000 of them take about 300 ms: the push does not wait past the queue's 60 ms.
    seen.length = 0;
    receive(burst(3000));
    pushedAfter = -1;
    queue.run(() => (pushedAfter = seen.length));
    await waitFor('pushed', () => pushedAfter >= 0);
    expect(pushedAfter).toBeGreaterThan(0);
    expect(pushedAfter).toBeLessThan(3000);
    await waitFor('all handed over', () => seen.length === 3000);
  });

  it('gathers reports for the time the core gives it (its push interval) before it sends them', async () => {
    const { settings } = await agent('hq-berlin');
    const linkHost = new LinkThreadHost({ gatherMs: 1500 });
    cleanups.push(() => linkHost.dispose());
    const events: LinkEvent[] = [];
    const startedAt = performance.now();
    let onlineAfter = 0;
    const link = linkHost.link(settings, {
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'online') onlineAfter = performance.now() - startedAt;
      },
    });
    link.start();
    await waitFor('online', () => onlineAfter > 0, 10_000);
    // Connecting takes a fraction of that here; the report waited for the gathering.
    expect(onlineAfter).toBeGreaterThanOrEqual(1500);
  });
});

describe('the built link thread', () => {
  it('the Electron bundle carries it beside index.js (out/main/link-thread.js), and it connects a real agent', async () => {
    const built = join(import.meta.dirname, '../../out/main/link-thread.js');
    expect(existsSync(built), `${built} is missing: run npm run build first`).toBe(true);
    const { settings } = await agent('hq-berlin');
    const thread = new Worker(built);
    const ended = new Promise<number>((resolve) => thread.once('exit', resolve));
    const online = new Promise<LinkReport>((resolve) =>
      thread.on('message', (message: FromLinkThread) => {
        if (message.type !== 'reports') return;
        const found = message.reports.find((report) => !Array.isArray(report) && (report as LinkReport).kind === 'event' && (report as { event: LinkEvent }).event.type === 'online');
        if (found) resolve(found as LinkReport);
      }),
    );
    thread.postMessage({ type: 'open', link: 7, settings } satisfies ToLinkThread);
    expect(await online).toMatchObject({ link: 7, event: { type: 'online', hello: { identity: { name: 'hq-berlin' } } } });
    thread.postMessage({ type: 'stop' } satisfies ToLinkThread);
    expect(await ended).toBe(0);
  });
});

describe('last seen', () => {
  it('is reported with a snapshot and at most once a second while deltas stream (the thread does not send it)', async () => {
    const linkHost = host();
    const heard: string[] = [];
    const link = linkHost.link({ host: '127.0.0.1', port: 1, fingerprint: 'x', token: 'y' }, {
      onEvent: (event) => {
        if (event.type === 'heard') heard.push(event.at);
      },
      onSnapshot: () => undefined,
      onDelta: () => true,
    });
    const id = (link as unknown as { id: number }).id;
    const deltas = (count: number, from: number): LinkReport[] =>
      Array.from({ length: count }, (_, i) => ({ link: id, kind: 'delta', delta: { seq: from + i, at: new Date().toISOString(), change: { domain: 'pools', change: { pools: [] } } } as never }));
    const receive = (reports: LinkReport[]): void => (linkHost as unknown as { received(message: unknown): void }).received({ type: 'reports', reports });
    receive([{ link: id, kind: 'snapshot', snapshot: {} as Snapshot }, ...deltas(50, 1)]);
    expect(heard).toHaveLength(1);
    receive([{ link: id, kind: 'snapshot', snapshot: {} as Snapshot }]);
    expect(heard).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1050));
    receive(deltas(20, 51));
    expect(heard).toHaveLength(3);
  });
});

describe('the core with its links on its own loop', () => {
  it("linkThread 'core' still connects and runs commands (what the benchmark compares with)", async () => {
    const { init, running } = await agent('hq-berlin');
    const core = createConsoleCore({ configDir: tempDir('console'), backoff: FAST, pushIntervalMs: 10, linkThread: 'core' });
    cleanups.push(() => core.dispose());
    const view = await core.service.addLocation({ name: 'hq-berlin', host: '127.0.0.1', port: running.port, token: init.token, fingerprint: init.fingerprint });
    await waitFor('online', () => core.fleet.location(view.id)?.status === 'online');
    expect(await core.service.poolAdd({ id: view.id, args: { name: 'WEEKLY' } })).toMatchObject({ name: 'WEEKLY' });
  });
});
