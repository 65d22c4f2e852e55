/** `floe-agent status`: is the agent of a data directory running, and where. */
import { connect } from 'node:tls';
import { readConfig, formatListen } from './config.js';
import { dataDirPaths } from './data-dir.js';
import { isProcessAlive, readRunFile } from './run-file.js';

export interface AgentStatus {
  readonly running: boolean;
  readonly name: string;
  readonly pid: number | null;
  readonly listen: string;
  readonly fingerprint: string | null;
  readonly startedAt: string | null;
  /** Whether a TLS connection to the listen address answered with the agent's certificate. */
  readonly answering: boolean;
}

const WILDCARD_TO_LOOPBACK: Record<string, string> = { '0.0.0.0': '127.0.0.1', '::': '::1' };

function tlsAnswers(host: string, port: number, fingerprint: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: WILDCARD_TO_LOOPBACK[host] ?? host, port, rejectUnauthorized: false, timeout: timeoutMs });
    const finish = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => finish(`SHA256:${socket.getPeerX509Certificate()?.fingerprint256}` === fingerprint));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

export async function agentStatus(dataDir: string): Promise<AgentStatus> {
  const paths = dataDirPaths(dataDir);
  const config = readConfig(paths.config);
  const run = readRunFile(paths.runFile);
  if (!run || !isProcessAlive(run.pid)) {
    return { running: false, name: config.name, pid: null, listen: formatListen(config.listen), fingerprint: null, startedAt: null, answering: false };
  }
  const answering = await tlsAnswers(run.host, run.port, run.fingerprint, 3000);
  return {
    running: true,
    name: config.name,
    pid: run.pid,
    listen: formatListen({ host: run.host, port: run.port }),
    fingerprint: run.fingerprint,
    startedAt: run.startedAt,
    answering,
  };
}
