/**
 * How CLI commands talk to the running agent of a data directory: over its own TLS socket, with the
 * admin token kept in the data directory, trusting exactly the agent's own certificate.
 * They never touch the agent's files behind its back.
 */
import { readFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import type { ClientCommandName } from '../../shared/protocol/catalog.js';
import { commandResult, type CommandArgs, type CommandResult } from '../../shared/protocol/ack.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { FloeError } from '../../shared/errors.js';
import { dataDirPaths } from '../data-dir.js';
import { isProcessAlive, readRunFile } from '../run-file.js';
import { readSecretFile } from '../secure-files.js';


export interface AgentClient {
  call<K extends ClientCommandName>(name: K, args: CommandArgs<K>, timeoutMs?: number): Promise<CommandResult<K>>;
  /** Listens to pushed deltas (for commands that follow progress). */
  onDelta(listener: (delta: unknown) => void): void;
  close(): void;
}

const WILDCARD_TO_LOOPBACK: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

export async function connectToAgent(dataDir: string, connectTimeoutMs = 10_000): Promise<AgentClient> {
  const paths = dataDirPaths(dataDir);
  const run = readRunFile(paths.runFile);
  if (!run || !isProcessAlive(run.pid)) {
    throw new FloeError('UNREACHABLE', `the agent of ${dataDir} is not running; start it with: floe-agent start --data ${dataDir}`);
  }
  const host = WILDCARD_TO_LOOPBACK[run.host] ?? run.host;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const socket: Socket = io(`https://${urlHost}:${run.port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: connectTimeoutMs,
    // The agent's own certificate is the only trust anchor; the host name is loopback, so skip its check.
    ca: readFileSync(paths.tlsCert, 'utf8'),
    rejectUnauthorized: true,
    checkServerIdentity: () => undefined,
    auth: { token: readSecretFile(paths.cliToken).trim(), protocol: PROTOCOL_VERSION },
  } as Parameters<typeof io>[1]);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: { message?: string } }) => {
      socket.close();
      reject(new FloeError('UNREACHABLE', `cannot talk to the agent at ${host}:${run.port}: ${error.data?.message ?? error.message}`));
    });
  });
  return {
    async call(name, args, timeoutMs = 120_000) {
      let raw: unknown;
      try {
        raw = await socket.timeout(timeoutMs).emitWithAck(name, args);
      } catch {
        throw new FloeError('TIMEOUT', `${name}: the agent did not answer within ${Math.round(timeoutMs / 1000)} s`);
      }
      return commandResult(name, raw);
    },
    onDelta(listener) {
      socket.on('delta', listener);
    },
    close() {
      socket.close();
    },
  };
}

/** Connects, runs `work`, always disconnects. */
export async function withAgent<T>(dataDir: string, work: (client: AgentClient) => Promise<T>): Promise<T> {
  const client = await connectToAgent(dataDir);
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
