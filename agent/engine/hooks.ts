/**
 * SEP sesam's interfaces: executables in DATA/hooks/ run around backups and on events, without a
 * shell, with a timeout, their output kept in the job's protocol. A missing hook is not an error.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export type HookName = 'sbc_pre' | 'sbc_post' | 'sm_notify' | 'sm_alarm' | 'sm_disaster';

export interface HookResult {
  readonly ran: boolean;
  readonly exitCode: number | null;
  readonly output: string[];
  /** From `STATUS:OK` / `STATUS:ERROR text` (PRE and POST hooks). */
  readonly status: 'ok' | 'error' | null;
  readonly statusText: string;
  /** `BACKUP_SRC=path` in the status line of a PRE hook. */
  readonly backupSource: string | null;
}

export const HOOK_TIMEOUT_MS = 10 * 60_000;

export function hookPath(hooksDir: string, name: HookName): string | null {
  const path = join(hooksDir, name);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return null;
  }
}

export function parseHookStatus(lines: readonly string[]): Pick<HookResult, 'status' | 'statusText' | 'backupSource'> {
  const line = [...lines].reverse().find((candidate) => candidate.includes('STATUS:'));
  if (!line) return { status: null, statusText: '', backupSource: null };
  const match = /STATUS:(OK|ERROR)\s*(.*)$/.exec(line);
  const source = /BACKUP_SRC=(\S+)/.exec(line)?.[1] ?? null;
  const text = (match?.[2] ?? '').replace(/BACKUP_SRC=\S+/, '').trim();
  return { status: match?.[1] === 'OK' ? 'ok' : 'error', statusText: text, backupSource: source };
}

export function runHook(hooksDir: string, name: HookName, args: readonly string[], timeoutMs = HOOK_TIMEOUT_MS): Promise<HookResult> {
  const path = hookPath(hooksDir, name);
  if (!path) return Promise.resolve({ ran: false, exitCode: null, output: [], status: null, statusText: '', backupSource: null });
  return new Promise((resolve) => {
    execFile(path, [...args], { timeout: timeoutMs, maxBuffer: 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.split('\n').filter((line) => line.length > 0).slice(-200);
      const failure = error as (NodeJS.ErrnoException & { code?: number | string; killed?: boolean }) | null;
      const exitCode = failure ? (typeof failure.code === 'number' ? failure.code : -1) : 0;
      if (failure?.killed) output.push(`${name} was stopped after ${Math.round(timeoutMs / 1000)} s`);
      resolve({ ran: true, exitCode, output, ...parseHookStatus(output) });
    });
  });
}
