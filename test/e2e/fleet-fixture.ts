/**
 * Real processes for end-to-end tests: agents and the web host started from the built output
 * (`npm run build`), exactly as the README tells an administrator to start them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const AGENT_CLI = join(ROOT, 'dist/agent/cli/main.js');
const WEB_HOST = join(ROOT, 'dist/main/web/serve.js');

export interface E2eAgent {
  readonly name: string;
  readonly dataDir: string;
  readonly token: string;
  readonly fingerprint: string;
  port: number;
  process: ChildProcess;
}

function waitForLine(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${seen}`)), timeoutMs);
    child[stream]?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code} before printing ${pattern}: ${seen}`));
    });
  });
}

export async function startE2eAgent(name: string): Promise<E2eAgent> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'floe-e2e-')), name);
  const init = JSON.parse(
    execFileSync(process.execPath, [AGENT_CLI, 'init', '--data', dataDir, '--name', name, '--listen', '127.0.0.1:0', '--json'], { encoding: 'utf8' }),
  ) as { token: string; fingerprint: string };
  const child = spawn(process.execPath, [AGENT_CLI, 'start', '--data', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const match = await waitForLine(child, 'stderr', /"port":(\d+)[^\n]*"msg":"agent listening"/, 15_000);
  return { name, dataDir, token: init.token, fingerprint: init.fingerprint, port: Number(match[1]), process: child };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill(signal);
  });
}

export async function startWebHost(): Promise<{ url: string; process: ChildProcess }> {
  const configDir = mkdtempSync(join(tmpdir(), 'floe-e2e-console-'));
  const child = spawn(process.execPath, [WEB_HOST, '--config', configDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const match = await waitForLine(child, 'stdout', /Floe console: (http:\/\/\S+)/, 15_000);
  return { url: match[1] ?? '', process: child };
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Runs the agent CLI against a running agent's data directory (e.g. `loader create`, `pool add`). */
export function agentCli(agent: E2eAgent, args: readonly string[]): string {
  const [command, sub, ...rest] = args;
  return execFileSync(process.execPath, [AGENT_CLI, ...(command ? [command] : []), ...(sub ? [sub] : []), '--data', agent.dataDir, ...rest], { encoding: 'utf8' });
}
