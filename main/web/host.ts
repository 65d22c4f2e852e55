/**
 * The web host: serves the built renderer on loopback and bridges the same ConsoleApi to the
 * browser over socket.io. The session token travels in the URL fragment (never in server logs)
 * and in the socket handshake; requests from another origin are refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { Server } from 'socket.io';
import { callChannel, CONSOLE_CALL_NAMES, CONSOLE_TOPIC_NAMES, topicChannel, type ConsoleService } from '../../shared/console-api.js';
import { contentSecurityPolicy } from '../core/csp.js';
import { dispatchCall } from '../core/dispatch.js';
import { readStaticFile } from './static-files.js';

export const WEB_API_PATH = '/api/socket.io';

export interface WebHostOptions {
  readonly service: ConsoleService;
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Defaults to 32 random bytes. */
  readonly token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

function sameSecret(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const staticDir = resolve(options.staticDir);
  let origin = '';

  const serveFile = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const headers = {
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, headers).end();
      return;
    }
    const file = await readStaticFile(staticDir, request.url ?? '/');
    if (!file) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': file.contentType });
    response.end(request.method === 'HEAD' ? undefined : file.body);
  };

  const http = createServer((request, response) => {
    if (request.url?.startsWith(WEB_API_PATH)) return; // socket.io answers these
    void serveFile(request, response);
  });
  const io = new Server(http, {
    path: WEB_API_PATH,
    transports: ['websocket'],
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    allowRequest: (request, callback) => {
      const requestOrigin = request.headers.origin;
      callback(null, requestOrigin === undefined || requestOrigin === origin);
    },
  });
  io.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    if (sameSecret(auth?.token, token)) next();
    else next(Object.assign(new Error('the session token is missing or wrong; open the URL the console printed'), { data: { code: 'AUTH_FAILED' } }));
  });
  io.on('connection', (socket) => {
    for (const name of CONSOLE_CALL_NAMES) {
      socket.on(callChannel(name), (args: unknown, ack: unknown) => {
        if (typeof ack !== 'function') return;
        void dispatchCall(options.service, name, args).then((outcome) => (ack as (o: unknown) => void)(outcome));
      });
    }
    const unsubscribes = CONSOLE_TOPIC_NAMES.map((topic) => options.service.onTopic(topic, (payload) => socket.emit(topicChannel(topic), payload)));
    socket.on('disconnect', () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    });
  });

  await new Promise<void>((done, fail) => {
    http.once('error', fail);
    http.listen(options.port ?? 0, host, () => done());
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    close: () =>
      new Promise<void>((done) => {
        io.close(() => done());
        http.closeAllConnections();
      }),
  };
}
