/** floe-agent as an administrator runs it: the real CLI in a child process, from source. */
import { existsSync, readdirSync, readFileSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnAgent, tempDir, type SpawnedAgent } from '../helpers/agents.js';
import { floeAgent } from '../helpers/cli.js';

describe('floe-agent CLI', () => {
  const running: SpawnedAgent[] = [];
  afterEach(async () => {
    for (const agent of running.splice(0)) await agent.kill('SIGTERM');
  });

  it('init --json creates a private data directory and prints the fingerprint and token once', async () => {
    const dataDir = join(tempDir('cli'), 'hq');
    const result = await floeAgent('init', '--data', dataDir, '--name', 'hq-berlin', '--listen', '127.0.0.1:0', '--json');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { fingerprint: string; token: string; listen: string; name: string };
    expect(printed.fingerprint).toMatch(/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(printed.listen).toBe('127.0.0.1:0');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of ['agent.json', 'tokens.json', 'cli-token', 'tls/key.pem', 'tls/cert.pem']) {
      expect(statSync(join(dataDir, file)).mode & 0o777, file).toBe(0o600);
    }
    const everything = readdirSync(dataDir, { recursive: true }).map(String).filter((f) => f.endsWith('.json') || f.endsWith('.pem'));
    for (const file of everything) expect(readFileSync(join(dataDir, file), 'utf8'), file).not.toContain(printed.token);
  });

  it('init prints readable lines without --json, and refuses a directory that already holds an agent', async () => {
    const dataDir = join(tempDir('cli'), 'hq');
    const first = await floeAgent('init', '--data', dataDir, '--name', 'hq-berlin');
    expect(first.stdout).toMatch(/fingerprint: SHA256:/);
    expect(first.stdout).toMatch(/admin token: floe_/);
    const before = readFileSync(join(dataDir, 'agent.json'), 'utf8');
    const second = await floeAgent('init', '--data', dataDir, '--name', 'other');
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/^floe-agent: .*already holds an agent.*\(CONFLICT\)\n$/);
    expect(readFileSync(join(dataDir, 'agent.json'), 'utf8')).toBe(before);
  });

  it.each([
    [['--name', 'bad name!'], /--name/],
    [['--name', 'ok', '--listen', 'nowhere'], /HOST:PORT/],
  ])('init refuses bad input %j and creates nothing', async (args, reason) => {
    const dataDir = join(tempDir('cli'), 'hq');
    const result = await floeAgent('init', '--data', dataDir, ...args);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(reason);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('status reports not running (exit 3), then running with pid and address, and start refuses a world-readable key', async () => {
    const dataDir = join(tempDir('cli'), 'hq');
    await floeAgent('init', '--data', dataDir, '--name', 'hq-berlin', '--listen', '127.0.0.1:0');
    const stopped = await floeAgent('status', '--data', dataDir, '--json');
    expect(stopped.code).toBe(3);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ running: false, name: 'hq-berlin' });

    const agent = await spawnAgent(dataDir);
    running.push(agent);
    const status = await floeAgent('status', '--data', dataDir, '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: agent.process.pid, listen: `127.0.0.1:${agent.port}`, answering: true });
    await agent.kill('SIGTERM');
    expect((await floeAgent('status', '--data', dataDir)).stdout).toMatch(/not running/);

    chmodSync(join(dataDir, 'tls/key.pem'), 0o644);
    const refused = await floeAgent('start', '--data', dataDir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/key\.pem is readable by other users.*chmod 600/);
  });

  it('--help lists the commands', async () => {
    const help = await floeAgent('--help');
    for (const command of ['init', 'start', 'status']) expect(help.stdout).toContain(command);
  });
});
