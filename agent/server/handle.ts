/**
 * Registers one command handler: role → validate → act → ack. Malformed arguments or a missing ack
 * callback never throw out of the socket; the client gets `{ ok: false, error }` when it can.
 */
import type { z } from 'zod';
import { agentProtocol, type Ack, type ClientCommandName } from '../../shared/protocol/catalog.js';
import { isFloeError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import type { AgentSocket } from './types.js';

type Command = typeof agentProtocol.clientToServer;
type Args<K extends ClientCommandName> = z.infer<Command[K]['args']>;
type Result<K extends ClientCommandName> = z.infer<Command[K]['ack']>;

export function handle<K extends ClientCommandName>(
  socket: AgentSocket,
  logger: Logger,
  name: K,
  act: (args: Args<K>) => Promise<Result<K>> | Result<K>,
): void {
  const schema = agentProtocol.clientToServer[name];
  const listener = async (rawArgs: unknown, ack: unknown): Promise<void> => {
    if (typeof ack !== 'function') {
      logger.warn({ event: name }, 'command without an ack callback ignored');
      return;
    }
    const reply = ack as (response: Ack<Result<K>>) => void;
    if (schema.role === 'admin' && socket.data.role !== 'admin') {
      reply({ ok: false, error: { code: 'FORBIDDEN', message: `${name} needs an admin token; this connection uses a ${socket.data.role} token` } });
      return;
    }
    const parsed = schema.args.safeParse(rawArgs);
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'BAD_REQUEST', message: `${name}: ${parsed.error.issues[0]?.message ?? 'invalid arguments'}` } });
      return;
    }
    try {
      reply({ ok: true, data: await act(parsed.data as Args<K>) });
    } catch (error) {
      if (isFloeError(error)) {
        reply({ ok: false, error: { code: error.code, message: error.message } });
      } else {
        logger.error({ err: error, event: name }, 'command failed');
        reply({ ok: false, error: { code: 'INTERNAL', message: `${name} failed inside the agent; see its log` } });
      }
    }
  };
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(name, (args, ack) => {
    void listener(args, ack);
  });
}
