/**
 * Real agents for tests: data directories made by the real `init`, served in-process on port 0
 * or spawned as real `floe-agent start` processes (killable with SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initDataDir, type InitResult } from '../../agent/init.js';
import { silentLogger } from '../../agent/log.js';
import { startAgent, type RunningAgent } from '../../agent/server/agent.js';
import { readRunFile } from '../../agent/run-file.js';
import { dataDirPaths } from '../../agent/data-dir.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `floe-${prefix}-`));
}

export async function initAgent(name: string, listen = '127.0.0.1:0'): Promise<InitResult> {
  const dataDir = join(tempDir('agent'), name);
  return initDataDir({ dataDir, name, listen, now: new Date() });
}

export async function startInProcess(init: InitResult, port = 0): Promise<RunningAgent> {
  return startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port } });
}

export interface SpawnedAgent {
  readonly process: ChildProcess;
  readonly port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `floe-agent start` from source (tsx) as a child process and waits until it listens. */
/** `built`: run the compiled agent (dist/, needs `npm run build:node`) instead of the TypeScript sources. */
export async function spawnAgent(dataDir: string, options: { port?: number; timeoutMs?: number; built?: boolean } = {}): Promise<SpawnedAgent> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const runFile = dataDirPaths(dataDir).runFile;
  rmSync(runFile, { force: true });
  const listen = options.port === undefined ? [] : ['--listen', `127.0.0.1:${options.port}`];
  const entry = options.built ? [join(REPO_ROOT, 'dist/agent/cli/main.js')] : ['--import', 'tsx', join(REPO_ROOT, 'agent/cli/main.ts')];
  if (options.built && !existsSync(entry[0] ?? '')) throw new Error(`${entry[0]} is missing: run npm run build:node first`);
  const child = spawn(process.execPath, [...entry, 'start', '--data', dataDir, ...listen], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FLOE_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = readRunFile(runFile);
    if (run && run.pid === child.pid) {
      return {
        process: child,
        port: run.port,
        kill: (signal = 'SIGKILL') =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill(signal);
          }),
      };
    }
    if (child.exitCode !== null) throw new Error(`floe-agent start exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`floe-agent start did not listen within ${timeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
