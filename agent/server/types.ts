import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents } from '../../shared/protocol/events.js';
import type { Role } from '../../shared/protocol/catalog.js';

export interface SocketData {
  role: Role;
  tokenId: string;
}

export type AgentServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
