/**
 * socket.io event maps inferred from the protocol catalog, for `Server<ClientToServerEvents,
 * ServerToClientEvents>` on the agent and `Socket<ServerToClientEvents, ClientToServerEvents>`
 * on the console.
 */
import type { z } from 'zod';
import type { Ack, agentProtocol } from './catalog.js';

type ServerEvents = typeof agentProtocol.serverToClient;
type ClientCommands = typeof agentProtocol.clientToServer;

export type ServerToClientEvents = {
  [K in keyof ServerEvents]: (payload: z.infer<ServerEvents[K]>) => void;
};

export type ClientToServerEvents = {
  [K in keyof ClientCommands]: (
    args: z.input<ClientCommands[K]['args']>,
    ack: (response: Ack<z.infer<ClientCommands[K]['ack']>>) => void,
  ) => void;
};

export type InterServerEvents = Record<string, never>;
