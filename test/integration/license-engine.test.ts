/** After the trial, backups stop with a clear reason; restores, browsing and verify still work. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/server/agent.js';
import { silentLogger } from '../../agent/log.js';
import type { Saveset } from '../../shared/engine.js';
import { initAgent, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary, runJob } from '../helpers/engine.js';

describe('license enforcement in the engine', () => {
  it('refuses backups after the 30-day trial and still restores and verifies', async () => {
    const init = await initAgent('hq-berlin');
    const day0 = new Date();
    const first = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, clock: () => day0 });
    let socket = await connectAdmin(init, first.port);
    await prepareLibrary(socket);
    const source = join(tempDir('license'), 'source');
    mkdirSync(source);
    writeFileSync(join(source, 'a.txt'), 'a\n');
    await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
    expect((await runJob(socket, 'backup:start', { task: 'docs' })).state).toBe('successful');
    socket.close();
    await first.close();

    const day31 = new Date(day0.getTime() + 31 * 86_400_000);
    const later = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 }, clock: () => day31 });
    socket = await connectAdmin(init, later.port);
    try {
      expect(await call(socket, 'license:show', {})).toMatchObject({ status: 'expired' });
      await expect(call(socket, 'backup:start', { task: 'docs' })).rejects.toMatchObject({ code: 'LICENSE' });
      const [saveset] = await call<Saveset[]>(socket, 'saveset:list', {});
      expect((await runJob(socket, 'restore:start', { saveset: saveset?.id, to: join(tempDir('license'), 'out') })).state).toBe('successful');
      expect((await runJob(socket, 'verify:start', { saveset: saveset?.id, readData: true })).state).toBe('successful');
      expect((await call<{ entries: unknown[] }>(socket, 'saveset:browse', { id: saveset?.id, dir: source })).entries).toHaveLength(1);
    } finally {
      socket.close();
      await later.close();
    }
  });
});
