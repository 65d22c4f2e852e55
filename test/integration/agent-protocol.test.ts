/** The agent's socket.io endpoint against raw clients: TLS only, handshake refusals, malformed frames. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { initAgent, startInProcess } from '../helpers/agents.js';
import type { InitResult } from '../../agent/init.js';
import type { RunningAgent } from '../../agent/server/agent.js';
import { helloSchema, snapshotSchema } from '../../shared/protocol/catalog.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { PinnedAgent } from '../../main/core/pinning.js';

let init: InitResult;
let agent: RunningAgent;
beforeAll(async () => {
  init = await initAgent('hq-berlin');
  agent = await startInProcess(init);
});
afterAll(() => agent.close());

function client(auth: Record<string, unknown>): Socket {
  return io(`https://127.0.0.1:${agent.port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    agent: new PinnedAgent(init.fingerprint) as unknown as string,
    auth,
  });
}

function refusal(auth: Record<string, unknown>): Promise<{ message: string; data: unknown }> {
  return new Promise((done, fail) => {
    const socket = client(auth);
    socket.on('connect', () => fail(new Error('connected without valid credentials')));
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      done({ message: error.message, data: error.data });
    });
  });
}

describe('agent endpoint', () => {
  it('does not speak plain HTTP', async () => {
    const outcome = await new Promise<string>((done) => {
      const req = request({ host: '127.0.0.1', port: agent.port, path: '/socket.io/?EIO=4&transport=polling' }, (res) => done(`answered ${res.statusCode}`));
      req.on('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      req.end();
    });
    expect(outcome).not.toMatch(/^answered 2/);
  });

  it.each([
    ['no auth at all', {}, 'AUTH_REQUIRED'],
    ['a wrong token', { token: 'floe_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', protocol: PROTOCOL_VERSION }, 'AUTH_FAILED'],
    ['a token of the wrong type', { token: 42, protocol: PROTOCOL_VERSION }, 'AUTH_REQUIRED'],
    ['an empty token', { token: '', protocol: PROTOCOL_VERSION }, 'AUTH_REQUIRED'],
  ])('refuses %s with a clear connect_error', async (_label, auth, code) => {
    const { message, data } = await refusal(auth);
    expect(data).toMatchObject({ code });
    expect(message.length).toBeGreaterThan(10);
  });

  it('refuses a valid token that speaks another protocol, telling both versions', async () => {
    const { data } = await refusal({ token: init.token, protocol: PROTOCOL_VERSION + 1 });
    expect(data).toMatchObject({ code: 'VERSION_MISMATCH', agentProtocol: PROTOCOL_VERSION });
  });

  it('greets an authenticated console with hello then snapshot, and survives malformed commands', async () => {
    const socket = client({ token: init.token, protocol: PROTOCOL_VERSION });
    const received: Array<[string, unknown]> = [];
    socket.onAny((event: string, payload: unknown) => received.push([event, payload]));
    await new Promise<void>((done) => socket.on('snapshot', () => done()));
    expect(received.map(([event]) => event)).toEqual(['location:hello', 'snapshot']);
    const hello = helloSchema.parse(received[0]?.[1]);
    expect(hello.identity).toMatchObject({ name: 'hq-berlin', fingerprint: init.fingerprint });
    expect(hello.role).toBe('admin');

    const raw = socket as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown>; emit(event: string, ...args: unknown[]): void };
    expect(await raw.emitWithAck('snapshot:request', { unexpected: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await raw.emitWithAck('snapshot:request', 'not an object')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    raw.emit('snapshot:request', {}); // no ack callback: ignored, not a crash
    raw.emit('no:such-event', { x: 1 });
    const reply = await raw.emitWithAck('snapshot:request', {});
    expect(snapshotSchema.parse((reply as { data: unknown }).data).identity.name).toBe('hq-berlin');
    expect(socket.connected).toBe(true);
    socket.close();
  });
});
