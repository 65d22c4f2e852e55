/**
 * The demo fleet: real agents from the built output (`dist/`), each on a loopback port with a
 * virtual tape library, pools, labelled media, tasks over a sample tree, schedules and a few
 * backups; dr-site gets a license that expires in 5 days, branch-lyon a backup that ends with warnings.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectToAgent, type AgentClient } from '../../agent/cli/agent-client.js';
import { initDataDir } from '../../agent/init.js';
import { FINAL_JOB_STATES, type Job } from '../../shared/engine.js';
import { deltaSchema } from '../../shared/protocol/catalog.js';

export const DEMO_LOCATIONS = ['hq-berlin', 'branch-lyon', 'dr-site'] as const;

export interface DemoLocation {
  readonly name: string;
  readonly port: number;
  readonly token: string;
  readonly fingerprint: string;
}

export interface Tools {
  readonly agentCli: string;
  readonly licenseCli: string;
  /** Every process started is added here, so the demo can stop them all. */
  readonly children: ChildProcess[];
}

const execNode = promisify(execFile);

export async function runNode(cli: string, args: readonly string[]): Promise<string> {
  try {
    return (await execNode(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`${args.slice(0, 2).join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
  }
}

/** Resolves with the first match of `pattern` in the child's output; rejects on exit or after timeoutMs. */
export function waitForOutput(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs / 1000} s: ${seen.slice(-500)}`)), timeoutMs);
    child[stream]?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${seen.slice(-500)}`));
    });
  });
}

function sampleTree(dir: string, name: string): void {
  for (const sub of ['docs/reports', 'docs/contracts', 'mail/inbox', 'mail/archive']) mkdirSync(join(dir, sub), { recursive: true });
  for (let i = 0; i < 40; i += 1) writeFileSync(join(dir, 'docs/reports', `report-${i}.txt`), `${name} report ${i}\n`.repeat(200 + i));
  for (let i = 0; i < 10; i += 1) writeFileSync(join(dir, 'docs/contracts', `contract-${i}.pdf`), Buffer.alloc(20_000 + i * 1000, i));
  for (let i = 0; i < 60; i += 1) writeFileSync(join(dir, 'mail/inbox', `${i}.eml`), `From: someone@${name}.example\nSubject: message ${i}\n\n${'text '.repeat(100)}\n`);
}

/** Runs a backup on the agent and waits for its end, as `floe-agent backup` does. */
async function backup(agent: AgentClient, task: string, type: 'full' | 'incr'): Promise<Job> {
  const started = await agent.call('backup:start', { task, type });
  const ended = new Promise<Job>((resolve) => {
    agent.onDelta((raw) => {
      const delta = deltaSchema.safeParse(raw);
      if (!delta.success || delta.data.change.domain !== 'jobs') return;
      const { job } = delta.data.change.change;
      if (job.id === started.id && FINAL_JOB_STATES.includes(job.state) && job.endedAt) resolve(job);
    });
  });
  const now = await agent.call('job:get', { id: started.id });
  return FINAL_JOB_STATES.includes(now.state) && now.endedAt ? now : ended;
}

/**
 * Starts one agent and fills it through its own socket with the CLI's client (one process per agent,
 * not one per step: the demo must come up quickly on a busy machine); `vendor` holds the demo's
 * license key pair.
 */
export async function startDemoLocation(tools: Tools, data: string, name: string, vendor: string): Promise<DemoLocation> {
  const dir = join(data, name);
  const init = await initDataDir({ dataDir: dir, name, listen: '127.0.0.1:0', now: new Date() });
  const child = spawn(process.execPath, [tools.agentCli, 'start', '--data', dir], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FLOE_LOG_LEVEL: 'info' } });
  tools.children.push(child);
  const match = await waitForOutput(child, 'stderr', /"port":(\d+)[^\n]*"msg":"agent listening"/, `agent ${name}`);
  const source = join(data, `${name}-files`);
  sampleTree(source, name);
  const agent = await connectToAgent(dir);
  try {
    await agent.call('loader:create', { name: 'vtl1', kind: 'vtl', drives: 2, slots: 10, ieSlots: 2, capacity: 256 * 1024 ** 2, barcodePrefix: name.slice(0, 2).toUpperCase() });
    await agent.call('pool:add', { name: 'DAILY', retentionDays: 14 });
    await agent.call('pool:add', { name: 'WEEKLY', retentionDays: 60 });
    for (const slot of [1, 2, 3]) await agent.call('media:label', { loader: 'vtl1', slot, pool: 'DAILY', force: false });
    await agent.call('media:label', { loader: 'vtl1', slot: 4, pool: 'WEEKLY', force: false });
    const task = { excludes: [], pool: 'DAILY', hooks: false, backupOnPreError: false };
    await agent.call('task:add', { ...task, name: 'docs', sources: [join(source, 'docs')], compress: 'none' });
    await agent.call('task:add', { ...task, name: 'mail', sources: [join(source, 'mail')], compress: 'gzip' });
    const schedule = { tasks: ['docs', 'mail'], runMissed: false, enabled: true };
    await agent.call('schedule:add', { ...schedule, name: 'nightly', cron: '0 22 * * 1-5', type: 'incr' });
    await agent.call('schedule:add', { ...schedule, name: 'weekend', cron: '0 20 * * 6', type: 'full' });
    await backup(agent, 'docs', 'full');
    await backup(agent, 'mail', 'full');
    appendFileSync(join(source, 'docs/reports/report-1.txt'), 'amended\n');
    await backup(agent, 'docs', 'incr');
    if (name === 'branch-lyon') {
      // A share that went away: its backup ends with warnings, so Events and the alarms have something to show.
      const share = join(source, 'share');
      mkdirSync(share);
      await agent.call('task:add', { ...task, name: 'share', sources: [share], pool: 'WEEKLY', compress: 'none' });
      rmSync(share, { recursive: true });
      await backup(agent, 'share', 'full');
    }
    if (name === 'dr-site') {
      const expires = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      const file = join(data, 'dr-site.license');
      await runNode(tools.licenseCli, ['issue', '--key', join(vendor, 'vendor-private.pem'), '--server', name, '--edition', 'standard', '--modules', 'vtl,hooks', '--expires', expires, '--licensee', 'Demo GmbH', '--drives', '4', '--out', file]);
      await agent.call('license:trust', { publicKeyPem: readFileSync(join(vendor, 'vendor.pub.pem'), 'utf8') });
      await agent.call('license:install', { text: readFileSync(file, 'utf8') });
    }
  } finally {
    agent.close();
  }
  return { name, port: Number(match[1]), token: init.token, fingerprint: init.fingerprint };
}
