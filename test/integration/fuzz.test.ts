/**
 * Protocol fuzzing: schema-breaking payloads to every agent command and every console call, and
 * garbage socket.io frames: no crash, a clear error for each, and no state change.
 * FLOE_FUZZ_CASES sets the count (the full fault run uses 10 000).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { agentProtocol, type Snapshot } from '../../shared/protocol/catalog.js';
import { ERROR_CODES } from '../../shared/errors.js';
import { consoleCalls } from '../../shared/console-api.js';
import { createConsoleCore } from '../../main/core/console-core.js';
import { dispatchCall } from '../../main/core/dispatch.js';
import { initAgent, startInProcess, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary } from '../helpers/engine.js';
import { randomValue, seededRandom } from '../helpers/fuzz.js';

const CASES = Number(process.env.FLOE_FUZZ_CASES ?? 600);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stable = (snapshot: Snapshot) => ({ ...snapshot, takenAt: null, devices: { ...snapshot.devices, loaders: snapshot.devices.loaders.map((l) => ({ ...l, inventoryAt: null })) } });

describe('protocol fuzzing', () => {
  it('the agent answers every malformed command with a coded error and changes nothing', async () => {
    const init = await initAgent('hq-berlin');
    const agent = await startInProcess(init);
    const socket = await connectAdmin(init, agent.port);
    cleanups.push(async () => {
      socket.close();
      await agent.close();
    });
    await prepareLibrary(socket);
    const before = stable(await call<Snapshot>(socket, 'snapshot:request', {}));
    const names = Object.keys(agentProtocol.clientToServer) as Array<keyof typeof agentProtocol.clientToServer>;
    const seed = Number(process.env.FLOE_FUZZ_SEED ?? 20261123);
    const random = seededRandom(seed);
    let sent = 0;
    for (let i = 0; i < CASES; i += 1) {
      const name = names[Math.floor(random() * names.length)] ?? 'snapshot:request';
      // What the agent receives is the JSON of the payload (undefined fields vanish, __proto__ is not a key).
      const generated = randomValue(random);
      const payload: unknown = generated === undefined ? null : JSON.parse(JSON.stringify(generated));
      if (agentProtocol.clientToServer[name].args.safeParse(payload).success) continue; // only schema-breaking input
      const reply = (await socket.timeout(10_000).emitWithAck(name, payload)) as { ok: boolean; error?: { code: string; message: string } };
      expect(reply.ok, `${name} ${JSON.stringify(payload)?.slice(0, 200)} (seed ${seed}, case ${i})`).toBe(false);
      expect(ERROR_CODES).toContain(reply.error?.code);
      expect(reply.error?.message.length).toBeGreaterThan(5);
      sent += 1;
    }
    expect(sent).toBeGreaterThan(CASES / 2);
    expect(stable(await call<Snapshot>(socket, 'snapshot:request', {}))).toEqual(before);
  });

  it('garbage socket.io frames close that connection only; the agent keeps serving', async () => {
    const init = await initAgent('hq-berlin');
    const agent = await startInProcess(init);
    cleanups.push(() => agent.close());
    const frames = ['garbage', '2["snapshot:request"', '42[', '451-["x",{"_placeholder":true,"num":99}]', '4' + '9'.repeat(10_000), '0{"token":1}', ''];
    for (const frame of frames) {
      const socket = await connectAdmin(init, agent.port);
      const closed = new Promise<void>((resolve) => {
        socket.once('disconnect', () => resolve());
        setTimeout(resolve, 1000);
      });
      (socket.io.engine as unknown as { write(data: string): void }).write(frame);
      await closed;
      socket.close();
    }
    const healthy = await connectAdmin(init, agent.port);
    expect(await call(healthy, 'loader:list', {})).toEqual([]);
    healthy.close();
  });

  it('the console answers every malformed call from a renderer with BAD_REQUEST and never throws', async () => {
    const core = createConsoleCore({ configDir: tempDir('console') });
    cleanups.push(() => core.dispose());
    const random = seededRandom(7);
    const names = [...Object.keys(consoleCalls), 'constructor', '__proto__', 'onTopic', 'nope'];
    for (let i = 0; i < CASES; i += 1) {
      const name = names[Math.floor(random() * names.length)];
      const payload = randomValue(random);
      const known = name !== undefined && Object.hasOwn(consoleCalls, name);
      if (known && consoleCalls[name as keyof typeof consoleCalls].args.safeParse(payload ?? {}).success) continue;
      const outcome = await dispatchCall(core.service, name, payload);
      expect(outcome, `${name} ${JSON.stringify(payload)?.slice(0, 200)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
    expect((await core.service.getFleet({})).locations).toEqual([]);
  });
});
