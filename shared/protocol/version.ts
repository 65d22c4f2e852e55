/**
 * The agent protocol version. Console and agent exchange it in the socket.io handshake;
 * a mismatch is reported as a visible state ("Version mismatch"), never as a crash.
 * Bump it whenever an event's payload or ack changes incompatibly.
 */
export const PROTOCOL_VERSION = 1;
