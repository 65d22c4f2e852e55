/**
 * Many lightweight agents in one process for the console benchmarks: one HTTPS + socket.io server
 * per agent on loopback, all with one self-signed certificate (one pinned fingerprint) and one
 * token, speaking the real agent protocol: the real auth middleware, `location:hello`, a snapshot
 * (or the journal gap on a reconnect with `lastSeq`/`epoch`) and numbered deltas from the real
 * Publisher. Each agent runs one backup job whose progress it publishes `rate` times a second;
 * the job carries the send time in `currentFile` and the event count in `files`.
 */
import { createServer, type Server as HttpsServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { MAX_MESSAGE_BYTES, type Snapshot } from '../../../shared/protocol/catalog.js';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.js';
import type { Job } from '../../../shared/engine.js';
import { silentLogger } from '../../../agent/log.js';
import { authMiddleware } from '../../../agent/server/auth.js';
import { Publisher } from '../../../agent/server/publisher.js';
import type { AgentServer, AgentSocket } from '../../../agent/server/types.js';
import { TokenStore } from '../../../agent/tokens.js';
import { certificateFingerprint, createSelfSignedCertificate, type TlsMaterial } from '../../../agent/tls.js';
import { initDataDir } from '../../../agent/init.js';
import { startAgent } from '../../../agent/server/agent.js';

export interface FarmAgentInfo {
  readonly name: string;
  readonly port: number;
}

export interface FarmCredentials {
  readonly fingerprint: string;
  readonly token: string;
}

/** The job path prefix that carries the send time: `/srv/bench/<epoch ms>`. */
export const SENT_AT_PREFIX = '/srv/bench/';

/** A snapshot from a real agent (its devices, license and schedules sections), to clone for each fake agent. */
export async function realSnapshotTemplate(): Promise<Snapshot> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'floe-bench-template-')), 'template');
  const init = await initDataDir({ dataDir, name: 'template', listen: '127.0.0.1:0', now: new Date() });
  const agent = await startAgent({ dataDir: init.dataDir, logger: silentLogger(), listen: { host: '127.0.0.1', port: 0 } });
  try {
    return await new Promise<Snapshot>((resolve, reject) => {
      const socket = connectClient(`https://127.0.0.1:${agent.port}`, { transports: ['websocket'], rejectUnauthorized: false, auth: { token: init.token, protocol: PROTOCOL_VERSION } });
      socket.on('snapshot', (snapshot: Snapshot) => {
        socket.disconnect();
        resolve(snapshot);
      });
      socket.on('connect_error', (error) => reject(error));
    });
  } finally {
    await agent.close();
    rmSync(dirname(dataDir), { recursive: true, force: true });
  }
}

class FakeAgent {
  private publisher = new Publisher(() => new Date());
  private server: { https: HttpsServer; io: AgentServer; unsubscribe: () => void } | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private phase: ReturnType<typeof setTimeout> | undefined;
  private events = 0;
  private job: Job;
  port = 0;

  constructor(
    readonly name: string,
    private readonly tls: TlsMaterial,
    private readonly fingerprint: string,
    private readonly tokens: TokenStore,
    private readonly template: Snapshot,
  ) {
    const now = new Date().toISOString();
    this.job = {
      id: `bench-${name}`, kind: 'backup', task: 'bench', type: 'full', state: 'running', queuedAt: now, startedAt: now, endedAt: null,
      backupDay: now.slice(0, 10), bytes: 0, files: 0, rate: 0, currentFile: null, saveset: null, drive: null, message: null,
    };
  }

  private identity() {
    return { name: this.name, agentId: this.template.identity.agentId, version: this.template.identity.version, host: '127.0.0.1', fingerprint: this.fingerprint };
  }

  private snapshot(): Snapshot {
    const now = new Date().toISOString();
    return { ...this.template, seq: this.publisher.currentSeq, epoch: this.publisher.epoch, takenAt: now, startedAt: now, identity: this.identity(), jobs: { active: [this.job], recent: [] } };
  }

  async listen(): Promise<void> {
    const https = createServer({ key: this.tls.key, cert: this.tls.cert, minVersion: 'TLSv1.2' });
    const io: AgentServer = new Server(https, { transports: ['websocket'], serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES, connectTimeout: 10_000 });
    io.use(authMiddleware(this.tokens, silentLogger()));
    io.on('connection', (socket: AgentSocket) => {
      socket.on('snapshot:request', (_args, ack) => ack({ ok: true, data: this.snapshot() }));
      socket.emit('location:hello', { protocol: PROTOCOL_VERSION, identity: this.identity(), role: socket.data.role, now: new Date().toISOString() });
      const auth = socket.handshake.auth as { lastSeq?: number; epoch?: string };
      const gap = auth.epoch === this.publisher.epoch && auth.lastSeq !== undefined ? this.publisher.since(auth.lastSeq) : null;
      if (gap) for (const delta of gap) socket.emit('delta', delta);
      else socket.emit('snapshot', this.snapshot());
    });
    const unsubscribe = this.publisher.subscribe((delta) => io.emit('delta', delta));
    await new Promise<void>((resolve, reject) => {
      https.once('error', reject);
      https.listen(this.port, '127.0.0.1', () => {
        https.off('error', reject);
        resolve();
      });
    });
    this.port = (https.address() as { port: number }).port;
    this.server = { https, io, unsubscribe };
  }

  /** Publishes one job progress delta every 1000/rate ms, starting at a random phase. */
  stream(rate: number): void {
    const period = 1000 / rate;
    this.phase = setTimeout(() => {
      this.timer = setInterval(() => this.progress(), period);
    }, Math.random() * period);
  }

  private progress(): void {
    const sentAt = Date.now();
    this.events += 1;
    this.job = { ...this.job, files: this.events, bytes: this.job.bytes + 65_536, rate: 6_553_600, currentFile: `${SENT_AT_PREFIX}${sentAt}` };
    this.publisher.publish({ domain: 'jobs', change: { job: this.job } });
  }

  /** Stops like a killed agent: timers, every connection and the listening socket. */
  async stop(): Promise<void> {
    if (this.phase) clearTimeout(this.phase);
    if (this.timer) clearInterval(this.timer);
    this.phase = this.timer = undefined;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.unsubscribe();
    await new Promise<void>((resolve) => {
      server.io.close(() => resolve());
      server.https.closeAllConnections();
    });
  }

  /** Starts again on the same port as a new run: a new epoch, so consoles get a fresh snapshot. */
  async restart(rate: number): Promise<void> {
    this.publisher = new Publisher(() => new Date());
    await this.listen();
    this.stream(rate);
  }
}

export class AgentFarm {
  private constructor(
    private readonly agents: FakeAgent[],
    readonly credentials: FarmCredentials,
  ) {}

  static async start(count: number): Promise<AgentFarm> {
    const template = await realSnapshotTemplate();
    const tls = await createSelfSignedCertificate('bench-agent', '127.0.0.1', new Date());
    const tokensDir = mkdtempSync(join(tmpdir(), 'floe-bench-tokens-'));
    const tokens = new TokenStore(join(tokensDir, 'tokens.json'));
    const { token } = tokens.create('monitor', new Date());
    rmSync(tokensDir, { recursive: true, force: true });
    const fingerprint = certificateFingerprint(tls.cert);
    const agents = Array.from({ length: count }, (_, index) => new FakeAgent(`bench-${String(index).padStart(4, '0')}`, tls, fingerprint, tokens, template));
    for (const agent of agents) await agent.listen();
    return new AgentFarm(agents, { fingerprint, token });
  }

  info(): FarmAgentInfo[] {
    return this.agents.map((agent) => ({ name: agent.name, port: agent.port }));
  }

  stream(rate: number): void {
    for (const agent of this.agents) agent.stream(rate);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.stop()));
  }

  async restartAll(rate: number): Promise<void> {
    await Promise.all(this.agents.map((agent) => agent.restart(rate)));
  }
}
