/** The web host bridging the ConsoleApi: session token, origin check, validated calls, pushed topics. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createConsoleCore, type ConsoleCore } from '../../main/core/console-core.js';
import { startWebHost, WEB_API_PATH, type WebHost } from '../../main/web/host.js';
import { callChannel, topicChannel } from '../../shared/console-api.js';
import { initAgent, startInProcess, tempDir } from '../helpers/agents.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import type { InitResult } from '../../agent/init.js';
import type { FleetView } from '../../shared/fleet.js';
import { TopicFollower, type VersionedPush } from '../../shared/topic-patch.js';

let core: ConsoleCore;
let host: WebHost;
let token: string;
let agentInit: InitResult;
let agent: RunningAgent;

beforeAll(async () => {
  const staticDir = join(tempDir('web'), 'renderer');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Floe</title>');
  core = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 }, pushIntervalMs: 10 });
  host = await startWebHost({ service: core.service, staticDir });
  token = new URL(host.url).hash.replace('#token=', '');
  agentInit = await initAgent('hq-berlin');
  agent = await startInProcess(agentInit);
});
afterAll(async () => {
  core.dispose();
  await host.close();
  await agent.close();
});

function browser(options: { token?: string; origin?: string } = {}): Socket {
  return io(host.origin, {
    path: WEB_API_PATH,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: { token: options.token ?? token },
    extraHeaders: { origin: options.origin ?? host.origin },
  });
}

function outcome(socket: Socket): Promise<string> {
  return new Promise((done) => {
    socket.on('connect', () => done('connected'));
    socket.on('connect_error', (error) => done(`refused: ${error.message}`));
  });
}

describe('web host', () => {
  it('prints a loopback URL with a long random token in the fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  });

  it('serves the renderer with a strict CSP', async () => {
    const response = await fetch(`${host.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${host.origin}/..%2f..%2fetc/passwd`)).status).toBe(404);
  });

  it('refuses a wrong session token and a foreign origin', async () => {
    const wrong = browser({ token: 'guess' });
    expect(await outcome(wrong)).toMatch(/refused: .*session token/);
    wrong.close();
    const foreign = browser({ origin: 'https://evil.example' });
    expect(await outcome(foreign)).toMatch(/^refused/);
    foreign.close();
  });

  it('runs validated calls and pushes the fleet as it changes', async () => {
    const socket = browser();
    expect(await outcome(socket)).toBe('connected');
    // The fleet topic pushes versioned patches, the whole value first on connect; a listener that
    // missed it sees a gap and asks for a snapshot, as the renderer does.
    const fleet = new TopicFollower<FleetView>();
    const outcomes: string[] = [];
    socket.on(topicChannel('fleet'), (push: VersionedPush) => {
      const outcome = fleet.follow(push);
      outcomes.push(outcome);
      if (outcome === 'gap') void socket.emitWithAck(callChannel('topicSnapshot'), { topic: 'fleet' }).then((answer: { ok: boolean; data: VersionedPush }) => fleet.follow(answer.data));
    });

    expect(await socket.emitWithAck(callChannel('getFleet'), {})).toEqual({ ok: true, data: { locations: [] } });
    expect(await socket.emitWithAck(callChannel('addLocation'), { name: 'x' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // A channel that is not a ConsoleApi call has no handler: it is ignored, never dispatched.
    await expect(socket.timeout(300).emitWithAck('floe:call:constructor', {})).rejects.toThrow(/timed out/);
    expect(socket.connected).toBe(true);

    const probe = (await socket.emitWithAck(callChannel('probeLocation'), { host: '127.0.0.1', port: agent.port })) as { ok: true; data: { fingerprint: string } };
    expect(probe.data.fingerprint).toBe(agentInit.fingerprint);
    const added = await socket.emitWithAck(callChannel('addLocation'), { name: 'hq-berlin', host: '127.0.0.1', port: agent.port, token: agentInit.token, fingerprint: probe.data.fingerprint });
    expect(added).toMatchObject({ ok: true, data: { name: 'hq-berlin', status: 'connecting' } });
    await expect.poll(() => fleet.value?.locations[0]?.status, { timeout: 10_000 }).toBe('online');
    expect(outcomes.filter((outcome) => outcome === 'gap').length).toBeLessThanOrEqual(1);
    await expect.poll(async () => JSON.stringify(fleet.value) === JSON.stringify(((await socket.emitWithAck(callChannel('getFleet'), {})) as { data: FleetView }).data)).toBe(true);
    socket.close();
  });
});
