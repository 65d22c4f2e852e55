/** The device commands of floe-agent, run as an administrator would, against a running agent. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initAgent, spawnAgent, type SpawnedAgent } from '../helpers/agents.js';
import { floeAgent } from '../helpers/cli.js';
import type { InitResult } from '../../agent/init.js';

let init: InitResult;
let agent: SpawnedAgent;
beforeAll(async () => {
  init = await initAgent('hq-berlin');
  agent = await spawnAgent(init.dataDir);
});
afterAll(() => agent.kill('SIGTERM'));

const cli = (...args: string[]) => floeAgent(...args.slice(0, 2), '--data', init.dataDir, ...args.slice(2));

describe('floe-agent device commands', () => {
  it('creates a library, adds a pool, labels, loads and lists, in text and JSON', async () => {
    const created = await cli('loader', 'create', '--name', 'lib1', '--drives', '2', '--slots', '4', '--ie-slots', '1', '--capacity', '100M', '--barcode-prefix', 'HQ');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/slot\s+1\s+HQ001/);
    expect((await cli('pool', 'add', '--name', 'DAILY', '--retention-days', '7')).stdout).toMatch(/DAILY\s+pattern \^DAILY\\d\{5\}\$\s+retention 7 d/);
    expect((await cli('media', 'label', '--loader', 'lib1', '--slot', '2', '--pool', 'DAILY')).stdout).toMatch(/^DAILY00001\s+HQ002\s+DAILY\s+scratch\s+0 B \/ 100.0 MiB\s+lib1 slot 2/);
    expect((await cli('loader', 'load', '--loader', 'lib1', '--slot', '2', '--drive', '0')).stdout).toMatch(/lib1:0\s+idle\s+HQ002 \[DAILY00001\]/);
    const media = JSON.parse((await cli('media', 'list', '--json')).stdout) as Array<{ label: string; location: unknown; capacity: number }>;
    expect(media).toEqual([expect.objectContaining({ label: 'DAILY00001', capacity: 100 * 1024 * 1024, location: { kind: 'drive', loader: 'lib1', drive: 0 } })]);
    const loaders = JSON.parse((await cli('loader', 'list', '--json')).stdout) as Array<{ name: string; elements: unknown[] }>;
    expect(loaders.map((l) => [l.name, l.elements.length])).toEqual([['lib1', 7]]);
    const drives = JSON.parse((await cli('drive', 'list', '--json')).stdout) as Array<{ barcode: string | null }>;
    expect(drives.map((d) => d.barcode)).toEqual(['HQ002', null]);
    expect((await cli('loader', 'unload', '--loader', 'lib1', '--drive', '0')).code).toBe(0);
    expect((await cli('loader', 'inventory', '--name', 'lib1', '--refresh')).stdout).toMatch(/inventory read 20\d\d-/);
  });

  it('refuses bad input with a one-line reason and a non-zero exit', async () => {
    const notNumber = await cli('loader', 'load', '--loader', 'lib1', '--slot', 'two', '--drive', '0');
    expect(notNumber.code).not.toBe(0);
    expect(notNumber.stderr).toMatch(/not a whole number/);
    const badSize = await cli('loader', 'create', '--name', 'lib2', '--drives', '1', '--slots', '1', '--capacity', 'huge');
    expect(badSize.stderr).toMatch(/not a size/);
    const empty = await cli('loader', 'load', '--loader', 'lib1', '--slot', '5', '--drive', '1');
    expect(empty.stderr).toMatch(/^floe-agent: slot 5 of lib1 is empty \(CONFLICT\)\n$/);
    const unknown = await cli('loader', 'inventory', '--name', 'nope');
    expect(unknown.stderr).toMatch(/no loader named nope.*\(NOT_FOUND\)/);
  });

  it('says so when the agent is not running', async () => {
    const other = await initAgent('idle');
    const result = await floeAgent('loader', 'list', '--data', join(other.dataDir));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not running; start it with: floe-agent start --data/);
  });
});
