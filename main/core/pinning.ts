/**
 * Certificate pinning for agent connections. Agents use self-signed certificates, so trust is the
 * SHA-256 fingerprint the administrator confirmed. The pinned HTTPS agent checks it right after the
 * TLS handshake, before a single byte of HTTP (let alone the token) is sent.
 */
import { Agent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect, createSecureContext, type ConnectionOptions, type SecureContext, type TLSSocket } from 'node:tls';
import { FloeError } from '../../shared/errors.js';

export function fingerprintOf(socket: TLSSocket): string | null {
  const cert = socket.getPeerX509Certificate();
  return cert ? `SHA256:${cert.fingerprint256}` : null;
}

/**
 * One TLS context for every agent connection. Trust is the pinned fingerprint, not a CA, so the
 * contexts would all be equal; building one per connect (it loads the CA store) cost about 8 % of
 * the console's CPU in a reconnect storm of 500 agents (docs/benchmarks.md).
 */
let sharedContext: SecureContext | undefined;
const pinnedContext = (): SecureContext => (sharedContext ??= createSecureContext());

/** An HTTPS agent that only hands out TLS sockets whose peer certificate has the pinned fingerprint. */
export class PinnedAgent extends Agent {
  /** The fingerprint last presented when it did not match, until taken. */
  private mismatch: string | null = null;

  constructor(readonly fingerprint: string) {
    super({ keepAlive: false });
  }

  takeMismatch(): string | null {
    const seen = this.mismatch;
    this.mismatch = null;
    return seen;
  }

  override createConnection(options: RequestOptions, callback?: (error: Error | null, stream: Duplex) => void): undefined {
    const socket = connect({ ...(options as ConnectionOptions), secureContext: pinnedContext(), rejectUnauthorized: false });
    const onError = (error: Error): void => callback?.(error, socket);
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      const presented = fingerprintOf(socket);
      if (presented !== this.fingerprint) {
        this.mismatch = presented ?? 'none';
        socket.destroy();
        callback?.(new FloeError('CERT_MISMATCH', `the agent presented ${presented ?? 'no certificate'}, not the pinned ${this.fingerprint}`), socket);
        return;
      }
      socket.off('error', onError);
      callback?.(null, socket);
    });
    return undefined;
  }
}

export interface ProbedCertificate {
  readonly fingerprint: string;
  readonly subject: string;
  readonly validTo: string;
}

/** Connects, reads the server certificate and hangs up; nothing else is sent. */
export function probeCertificate(host: string, port: number, timeoutMs = 5000): Promise<ProbedCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (!cert) {
        reject(new FloeError('UNREACHABLE', `${host}:${port} presented no certificate`));
        return;
      }
      const subject = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';
      resolve({ fingerprint: `SHA256:${cert.fingerprint256}`, subject, validTo: cert.validTo });
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new FloeError('TIMEOUT', `${host}:${port} did not complete a TLS handshake within ${timeoutMs} ms; check host, port and firewall`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new FloeError('UNREACHABLE', `cannot reach ${host}:${port} (${error.code ?? error.message}); is floe-agent running there?`));
    });
  });
}
