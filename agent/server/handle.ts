/**
 * Registers one command handler: role → validate → act → ack. Malformed arguments or a missing ack
 * callback never throw out of the socket; the client gets `{ ok: false, error }` when it can.
 */
import type { z } from 'zod';
import { agentProtocol, type Ack, type ClientCommandName } from '../../shared/protocol/catalog.js';
import { isFloeError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import type { AgentSocket } from './types.js';
import { journalFor } from './command-journal.js';
import { REQUEST_ID_FIELD } from '../../shared/protocol/catalog.js';

/** Takes an optional `requestId` (a string of at most 64 characters) off the arguments. */
function splitRequestId(raw: unknown): { requestId: string | null; args: unknown } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !(REQUEST_ID_FIELD in raw)) return { requestId: null, args: raw };
  const { [REQUEST_ID_FIELD]: requestId, ...args } = raw as Record<string, unknown>;
  if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > 64) return { requestId: null, args: raw };
  return { requestId, args };
}

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
  const run = async (rawArgs: unknown): Promise<Ack<Result<K>>> => {
    if (schema.role === 'admin' && socket.data.role !== 'admin') {
      return { ok: false, error: { code: 'FORBIDDEN', message: `${name} needs an admin token; this connection uses a ${socket.data.role} token` } };
    }
    const parsed = schema.args.safeParse(rawArgs);
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: `${name}: ${parsed.error.issues[0]?.message ?? 'invalid arguments'}` } };
    }
    try {
      return { ok: true, data: await act(parsed.data as Args<K>) };
    } catch (error) {
      if (isFloeError(error)) return { ok: false, error: { code: error.code, message: error.message } };
      logger.error({ err: error, event: name }, 'command failed');
      return { ok: false, error: { code: 'INTERNAL', message: `${name} failed inside the agent; see its log` } };
    }
  };
  const listener = async (rawArgs: unknown, ack: unknown): Promise<void> => {
    if (typeof ack !== 'function') {
      logger.warn({ event: name }, 'command without an ack callback ignored');
      return;
    }
    const reply = ack as (response: Ack<Result<K>>) => void;
    const { requestId, args } = splitRequestId(rawArgs);
    if (requestId === null) {
      reply(await run(args));
      return;
    }
    // The same request retried (after a dropped link) runs once and gets the first answer.
    const key = `${socket.data.tokenId}:${name}:${requestId}`;
    reply((await journalFor(socket.nsp.server).once(key, () => run(args))) as Ack<Result<K>>);
  };
  (socket as unknown as { on(event: string, fn: (...args: unknown[]) => void): void }).on(name, (args, ack) => {
    void listener(args, ack);
  });
}
