/** `npm run demo` as the end-to-end specs run it: the real script on the built output, bounded in time. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './fleet-fixture';

/** Three agents, their backups and the console: generous, as CI machines are shared. */
export const DEMO_START_TIMEOUT_MS = 240_000;

export interface RunningDemo {
  readonly process: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  readonly url: string;
  readonly dataDir: string;
}

export async function startDemo(env: NodeJS.ProcessEnv = {}, args: readonly string[] = []): Promise<RunningDemo> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/demo/main.ts'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + DEMO_START_TIMEOUT_MS;
  while (!output.includes('demo ready') && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  if (!output.includes('demo ready')) {
    // Ctrl+C, so the demo stops what it started and removes its data even when it failed.
    if (child.exitCode === null) child.kill('SIGINT');
    throw new Error(`the demo did not become ready within ${DEMO_START_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`);
  }
  return {
    process: child,
    output: () => output,
    url: /Floe console: (http:\/\/\S+)/.exec(output)?.[1] ?? '',
    dataDir: /Floe demo: data in (\S+)/.exec(output)?.[1] ?? '',
  };
}

/** Ctrl+C, as an administrator would; resolves with the exit code. */
export async function interruptDemo(demo: RunningDemo): Promise<number | null> {
  if (demo.process.exitCode !== null || demo.process.signalCode !== null) return demo.process.exitCode;
  const exited = new Promise<number | null>((resolve) => demo.process.once('exit', (code) => resolve(code)));
  demo.process.kill('SIGINT');
  return exited;
}
