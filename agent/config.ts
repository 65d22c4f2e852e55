/** The agent's configuration file, `agent.json`. */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { locationNameSchema } from '../shared/protocol/catalog.js';
import { FloeError } from '../shared/errors.js';
import { writeSecretFile } from './secure-files.js';

export const listenSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65535),
});
export type Listen = z.infer<typeof listenSchema>;

export const agentConfigSchema = z.object({
  name: locationNameSchema,
  agentId: z.uuid(),
  listen: listenSchema,
  createdAt: z.iso.datetime(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const DEFAULT_LISTEN = '0.0.0.0:7443';

/** Parses `HOST:PORT` (IPv6 as `[::1]:7443`). Port 0 picks a free port at start. */
export function parseListen(text: string): Listen {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new FloeError('BAD_REQUEST', `--listen "${text}" is not HOST:PORT (for example 0.0.0.0:7443 or [::1]:7443)`);
  }
  return { host, port };
}

export function formatListen({ host, port }: Listen): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function readConfig(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FloeError('NOT_FOUND', `no agent configuration at ${path}; run: floe-agent init --data DIR --name NAME`);
  }
  const parsed = agentConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new FloeError('BAD_REQUEST', `${path} is not a valid agent configuration: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function writeConfig(path: string, config: AgentConfig): void {
  writeSecretFile(path, `${JSON.stringify(config, null, 2)}\n`);
}
