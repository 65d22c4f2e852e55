/** `agent.run.json`: written by a running agent so `floe-agent status` can find it. */
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { writeSecretFile } from './secure-files.js';

export const runInfoSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  fingerprint: z.string(),
  startedAt: z.iso.datetime(),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

export function writeRunFile(path: string, info: RunInfo): void {
  writeSecretFile(path, `${JSON.stringify(info)}\n`);
}

export function readRunFile(path: string): RunInfo | null {
  try {
    return runInfoSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return null;
  }
}

export function removeRunFile(path: string, pid: number): void {
  if (readRunFile(path)?.pid === pid) rmSync(path, { force: true });
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
