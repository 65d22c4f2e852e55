/** The agent's self-signed TLS certificate and its `SHA256:` fingerprint. */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Host names the certificate names: the listen host, or for a wildcard listen this machine's names. */
export function certificateHosts(listenHost: string): string[] {
  const hosts = WILDCARD_HOSTS.has(listenHost) ? [hostname(), 'localhost', '127.0.0.1', '::1'] : [listenHost];
  return [...new Set(hosts)];
}

/** Makes an EC P-256 self-signed certificate for the agent, valid for ten years. */
export async function createSelfSignedCertificate(agentName: string, listenHost: string, now: Date): Promise<TlsMaterial> {
  const altNames = certificateHosts(listenHost).map((host) =>
    isIP(host) ? { type: 7 as const, ip: host } : { type: 2 as const, value: host },
  );
  const result = await generate(
    [
      { name: 'commonName', value: agentName },
      { name: 'organizationName', value: 'Floe agent' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: new Date(now.getTime() + TEN_YEARS_MS),
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    },
  );
  return { key: result.private, cert: result.cert };
}

/** `SHA256:AA:BB:…`, the same bytes `openssl x509 -noout -fingerprint -sha256` prints. */
export function certificateFingerprint(certPem: string): string {
  return `SHA256:${new X509Certificate(certPem).fingerprint256}`;
}
