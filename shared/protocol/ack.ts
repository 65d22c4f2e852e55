/** Reading a command's ack on the console side (console core and the agent's own CLI). */
import type { z } from 'zod';
import { FloeError } from '../errors.js';
import { ackSchema, agentProtocol, type ClientCommandName } from './catalog.js';

type Commands = typeof agentProtocol.clientToServer;
export type CommandArgs<K extends ClientCommandName> = z.input<Commands[K]['args']>;
export type CommandResult<K extends ClientCommandName> = z.infer<Commands[K]['ack']>;

/** The command's data, or a FloeError with the agent's code and message; a malformed ack is INTERNAL. */
export function commandResult<K extends ClientCommandName>(name: K, raw: unknown): CommandResult<K> {
  const ack = ackSchema(agentProtocol.clientToServer[name].ack).safeParse(raw);
  if (!ack.success) throw new FloeError('INTERNAL', `${name}: the agent sent a malformed answer`);
  if (!ack.data.ok) throw new FloeError(ack.data.error.code, ack.data.error.message);
  return ack.data.data as CommandResult<K>;
}
