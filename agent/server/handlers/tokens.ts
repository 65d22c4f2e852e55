import type { Logger } from '../../log.js';
import type { TokenStore } from '../../tokens.js';
import { handle } from '../handle.js';
import type { AgentServer, AgentSocket } from '../types.js';

export function registerTokenHandlers(socket: AgentSocket, logger: Logger, tokens: TokenStore, io: AgentServer, clock: () => Date): void {
  const info = ({ id, role, createdAt, revokedAt }: { id: string; role: 'admin' | 'monitor'; createdAt: string; revokedAt: string | null }) => ({ id, role, createdAt, revokedAt });
  handle(socket, logger, 'token:create', ({ role }) => {
    const { token, record } = tokens.create(role, clock());
    logger.info({ token: record.id, role, by: socket.data.tokenId }, 'token created');
    return { ...info(record), token };
  });
  handle(socket, logger, 'token:list', () => tokens.list().map(info));
  handle(socket, logger, 'token:revoke', ({ id }) => {
    const record = tokens.revoke(id, clock());
    // Connections authenticated with the revoked token end now.
    for (const other of io.of('/').sockets.values()) if (other.data.tokenId === id) other.disconnect(true);
    logger.info({ token: id, by: socket.data.tokenId }, 'token revoked');
    return info(record);
  });
}
