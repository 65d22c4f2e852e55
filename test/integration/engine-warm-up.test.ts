/** The backup workers' warm-up after the agent's start (agent/engine/warm-up.ts), with real workers and a real catalog. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCatalog } from '../../agent/catalog/database.js';
import { dataDirPaths } from '../../agent/data-dir.js';
import { EngineStore } from '../../agent/engine/engine-store.js';
import { warmUpBackupWorkers } from '../../agent/engine/warm-up.js';
import { closeIdleWorkers, idleWorkers } from '../../agent/engine/worker-pool.js';
import pino from 'pino';
import { startAgent } from '../../agent/server/agent.js';
import { initAgent, tempDir } from '../helpers/agents.js';
import { call, connectAdmin, makeSourceTree, prepareLibrary, runJob } from '../helpers/engine.js';

afterEach(async () => {
  await closeIdleWorkers();
});

const idlePair = (): number[] => [idleWorkers('stream-worker'), idleWorkers('index-worker')];

/** What a warm-up could leave behind in a catalog: index rows, pending indexes, savesets. */
function traces(catalog: string): { files: number; pending: number; savesets: number } {
  const db = new Database(catalog, { readonly: true });
  try {
    const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { files: count('files'), pending: count('pending_index'), savesets: count('savesets') };
  } finally {
    db.close();
  }
}

describe('backup worker warm-up', () => {
  it('leaves a warmed stream and index worker in the pool after the agent starts, and no trace in the catalog or the data directory', async () => {
    const init = await initAgent('warm-up');
    const logged: Array<{ msg: string; files?: number }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line) as { msg: string }) });
    const agent = await startAgent({ dataDir: init.dataDir, logger, listen: { host: '127.0.0.1', port: 0 }, warmUpAfterMs: 50 });
    try {
      expect(idlePair()).toEqual([0, 0]);
      const warmed = await vi.waitFor(
        () => {
          const line = logged.find((entry) => entry.msg === 'backup workers warmed up');
          if (!line) throw new Error('not warmed up yet');
          return line;
        },
        { timeout: 20_000, interval: 20 },
      );
      expect(warmed.files).toBe(2110); // ten passes over 200 files, 10 directories and the tree itself
      expect(idlePair()).toEqual([1, 1]);
      const paths = dataDirPaths(init.dataDir);
      expect(traces(paths.catalog)).toEqual({ files: 0, pending: 0, savesets: 0 });
      expect(existsSync(join(paths.root, 'warm-up'))).toBe(false);

      // The first backup takes the warmed pair and the pool has it back afterwards.
      const socket = await connectAdmin(init, agent.port);
      try {
        await prepareLibrary(socket, {});
        const source = join(tempDir('warm-source'), 'src');
        makeSourceTree(source);
        await call(socket, 'task:add', { name: 'docs', sources: [source], pool: 'DAILY', hooks: false });
        const job = await runJob(socket, 'backup:start', { task: 'docs', type: 'full' });
        expect(job.state).toBe('successful');
        expect(idlePair()).toEqual([1, 1]);
        expect(traces(paths.catalog).savesets).toBe(1);
      } finally {
        socket.close();
      }
    } finally {
      await agent.close();
    }
    expect(idlePair()).toEqual([0, 0]);
  });

  it('runs a dry backup through both workers and removes its index rows and its tree', async () => {
    const root = tempDir('warm-up');
    const catalog = join(root, 'catalog.db');
    const store = new EngineStore(openCatalog(catalog));
    const done = await warmUpBackupWorkers(store, { scratch: join(root, 'scratch'), signal: new AbortController().signal, busy: () => false });
    expect(done?.files).toBe(2110);
    expect(idlePair()).toEqual([1, 1]);
    expect(traces(catalog)).toEqual({ files: 0, pending: 0, savesets: 0 });
    expect(existsSync(join(root, 'scratch'))).toBe(false);
  });

  it('stops before its next pass once a backup runs or waits', async () => {
    const root = tempDir('warm-up');
    const catalog = join(root, 'catalog.db');
    const store = new EngineStore(openCatalog(catalog));
    let passes = 0;
    const done = await warmUpBackupWorkers(store, { scratch: join(root, 'scratch'), signal: new AbortController().signal, busy: () => passes++ >= 3 });
    expect(done?.files).toBe(3 * 211); // three passes over 200 files, 10 directories and the tree itself
    const none = await warmUpBackupWorkers(store, { scratch: join(root, 'scratch'), signal: new AbortController().signal, busy: () => true });
    expect(none?.files).toBe(0);
    expect(traces(catalog)).toEqual({ files: 0, pending: 0, savesets: 0 });
    expect(existsSync(join(root, 'scratch'))).toBe(false);
  });

  it.each([0, 5, 40])('leaves no trace when aborted after %i ms', async (ms) => {
    const root = tempDir('warm-up');
    const catalog = join(root, 'catalog.db');
    const store = new EngineStore(openCatalog(catalog));
    const abort = new AbortController();
    if (ms === 0) abort.abort(new Error('agent stopping'));
    else setTimeout(() => abort.abort(new Error('agent stopping')), ms);
    const outcome = await warmUpBackupWorkers(store, { scratch: join(root, 'scratch'), signal: abort.signal, busy: () => false }).then(
      () => 'done',
      () => 'aborted',
    );
    if (ms === 0) expect(outcome).toBe('aborted');
    expect(traces(catalog)).toEqual({ files: 0, pending: 0, savesets: 0 });
    expect(existsSync(join(root, 'scratch'))).toBe(false);
  });

  it('does nothing where backups use GNU tar but remove what a killed agent left', async () => {
    const root = tempDir('warm-up');
    const store = new EngineStore(openCatalog(join(root, 'catalog.db')));
    mkdirSync(join(root, 'scratch', 'tree', 'd0'), { recursive: true });
    writeFileSync(join(root, 'scratch', 'tree', 'd0', 'f0'), 'left by a killed agent');
    await expect(warmUpBackupWorkers(store, { scratch: join(root, 'scratch'), signal: new AbortController().signal, busy: () => false, env: { FLOE_DATA_PATH: 'gnu-tar' } })).resolves.toBeNull();
    expect(idlePair()).toEqual([0, 0]);
    expect(existsSync(join(root, 'scratch'))).toBe(false);
  });
});
