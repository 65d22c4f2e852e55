/** JSON-lines logging (pino) to stderr and, for a running agent, to `logs/agent.log`. */
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { logsDir?: string; level?: string } = {}): Logger {
  const level = options.level ?? process.env.FLOE_LOG_LEVEL ?? 'info';
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ fd: 2, sync: true }), level: level as pino.Level }];
  if (options.logsDir) {
    streams.push({ stream: pino.destination({ dest: join(options.logsDir, 'agent.log'), mkdir: true, sync: true }), level: level as pino.Level });
  }
  return pino({ level, base: { svc: 'floe-agent' } }, pino.multistream(streams));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
