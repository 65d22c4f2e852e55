/**
 * Handshake authentication, run once per connection in `io.use()`: the token must be valid and
 * the console must speak our protocol version. Refusals reach the client as `connect_error`
 * with `data: { code, message }`.
 */
import { handshakeAuthSchema, type ConnectErrorData } from '../../shared/protocol/catalog.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { isFloeError } from '../../shared/errors.js';
import type { Logger } from '../log.js';
import type { TokenStore } from '../tokens.js';
import type { AgentSocket } from './types.js';

class HandshakeRefused extends Error {
  constructor(readonly data: ConnectErrorData) {
    super(data.message);
  }
}

export function authMiddleware(tokens: TokenStore, logger: Logger) {
  return (socket: AgentSocket, next: (error?: Error) => void): void => {
    const refuse = (data: ConnectErrorData): void => {
      logger.warn({ remote: socket.handshake.address, code: data.code }, 'handshake refused');
      next(new HandshakeRefused(data));
    };
    const auth = handshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) {
      refuse({ code: 'AUTH_REQUIRED', message: 'the handshake carries no valid auth { token, protocol }' });
      return;
    }
    try {
      const record = tokens.verify(auth.data.token);
      socket.data.role = record.role;
      socket.data.tokenId = record.id;
    } catch (error) {
      refuse({ code: 'AUTH_FAILED', message: isFloeError(error) ? error.message : 'the token is not valid for this agent' });
      return;
    }
    if (auth.data.protocol !== PROTOCOL_VERSION) {
      refuse({
        code: 'VERSION_MISMATCH',
        message: `this agent speaks protocol ${PROTOCOL_VERSION}, the console ${auth.data.protocol}; upgrade the older side`,
        agentProtocol: PROTOCOL_VERSION,
      });
      return;
    }
    next();
  };
}
