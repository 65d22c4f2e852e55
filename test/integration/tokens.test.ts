/** Tokens: created through the running agent, monitor tokens read-only, revoked tokens refused and cut off. */
import { afterEach, describe, expect, it } from 'vitest';
import { initAgent, spawnAgent, type SpawnedAgent } from '../helpers/agents.js';
import { floeAgent } from '../helpers/cli.js';
import { connectAdmin } from '../helpers/engine.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('token commands', () => {
  it('creates a monitor token that reads but cannot change; a revoked token is disconnected and refused', async () => {
    const init = await initAgent('hq-berlin');
    const agent: SpawnedAgent = await spawnAgent(init.dataDir);
    cleanups.push(() => agent.kill('SIGTERM'));
    const created = JSON.parse((await floeAgent('token', 'create', '--data', init.dataDir, '--role', 'monitor', '--json')).stdout) as { id: string; token: string; role: string };
    expect(created).toMatchObject({ role: 'monitor', token: expect.stringMatching(/^floe_/) });
    const monitor = await connectAdmin(init, agent.port, created.token);
    expect(await monitor.emitWithAck('pool:list', {})).toMatchObject({ ok: true });
    expect(await monitor.emitWithAck('token:create', { role: 'admin' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const listed = await floeAgent('token', 'list', '--data', init.dataDir);
    expect(listed.stdout).toContain(created.id);
    expect(listed.stdout).not.toContain(created.token);

    const disconnected = new Promise<void>((resolve) => monitor.once('disconnect', () => resolve()));
    expect((await floeAgent('token', 'revoke', '--data', init.dataDir, '--id', created.id)).code).toBe(0);
    await disconnected;
    await expect(connectAdmin(init, agent.port, created.token)).rejects.toMatchObject({ data: { code: 'AUTH_FAILED', message: expect.stringMatching(/revoked/) } });
    monitor.close();
  });
});
