/**
 * The ConsoleApi in a browser: the web host's socket.io endpoint, authenticated with the session
 * token from the URL fragment (kept in sessionStorage so a reload still works).
 */
import { io, type Socket } from 'socket.io-client';
import {
  callChannel,
  callOutcomeSchema,
  CONSOLE_CALL_NAMES,
  topicChannel,
  type ConsoleApi,
  type ConsoleTopicName,
} from '../../../shared/console-api';
import { ConsoleCallError, unwrapOutcome } from './call-error';

const TOKEN_KEY = 'floe.webToken';
const API_PATH = '/api/socket.io';
const CALL_TIMEOUT_MS = 30_000;

function sessionToken(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    window.sessionStorage.setItem(TOKEN_KEY, fromHash);
    window.history.replaceState(null, '', window.location.pathname);
    return fromHash;
  }
  return window.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export type BridgeConnection = 'connecting' | 'connected' | 'lost' | 'refused';

export function createWebConsoleApi(onConnection: (state: BridgeConnection, detail: string) => void): ConsoleApi {
  const socket: Socket = io({ path: API_PATH, transports: ['websocket'], auth: { token: sessionToken() } });
  socket.on('connect', () => onConnection('connected', ''));
  socket.on('disconnect', (reason) => onConnection('lost', `connection to the console lost (${reason}); reconnecting…`));
  socket.on('connect_error', (error) => {
    // A refused handshake is final; socket.io does not retry it.
    onConnection(socket.active ? 'lost' : 'refused', error.message);
  });

  const call = async (name: string, args: unknown): Promise<unknown> => {
    const raw: unknown = await socket.timeout(CALL_TIMEOUT_MS).emitWithAck(name, args);
    const outcome = callOutcomeSchema.safeParse(raw);
    if (!outcome.success) throw new ConsoleCallError('INTERNAL', 'the console sent a malformed reply');
    return unwrapOutcome(outcome.data);
  };
  const calls = Object.fromEntries(CONSOLE_CALL_NAMES.map((name) => [name, (args: unknown) => call(callChannel(name), args)]));
  return {
    ...calls,
    subscribe(topic: ConsoleTopicName, listener: (payload: unknown) => void) {
      const channel = topicChannel(topic);
      socket.on(channel, listener);
      return () => {
        socket.off(channel, listener);
      };
    },
  } as unknown as ConsoleApi;
}
