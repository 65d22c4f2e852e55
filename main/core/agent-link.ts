/**
 * One AgentLink per registered location: a socket.io-client connection over WSS only, the agent's
 * certificate pinned by fingerprint, the token in the handshake `auth`, and jittered reconnects.
 * It reports link events; it never throws at its owner.
 */
import { io, type Socket } from 'socket.io-client';
import { connectErrorDataSchema, helloSchema, snapshotSchema, type Delta, type Snapshot } from '../../shared/protocol/catalog.js';
import { DeltaParser } from './delta-parse.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/events.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.js';
import { MAX_MESSAGE_BYTES, REQUEST_ID_FIELD, type ClientCommandName } from '../../shared/protocol/catalog.js';
import { randomUUID } from 'node:crypto';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { commandResult, type CommandArgs, type CommandResult } from '../../shared/protocol/ack.js';
import { FloeError } from '../../shared/errors.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { Disposable } from './disposable.js';
import type { LinkEvent } from './link-status.js';
import { PinnedAgent } from './pinning.js';
import type { ConnectGate, GateTicket } from './connect-gate.js';
import type { Role } from '../../shared/protocol/role.js';

export interface AgentLinkOptions {
  readonly host: string;
  readonly port: number;
  readonly fingerprint: string;
  readonly token: string;
  readonly onEvent: (event: LinkEvent) => void;
  readonly onSnapshot?: (snapshot: Snapshot) => void;
  /** A delta; return false when it does not follow the last state, and the link fetches a snapshot. */
  readonly onDelta?: (delta: Delta) => boolean;
  readonly backoff?: BackoffOptions;
  readonly connectTimeoutMs?: number;
  /** The protocol version this console speaks (tests override it to provoke a mismatch). */
  readonly protocol?: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
  /** Paces connection attempts together with the console's other links (main/core/connect-gate.ts). */
  readonly gate?: ConnectGate;
}

type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A location's "last seen" moves at most this often while deltas stream (1 s: what a card shows). */
export const HEARD_INTERVAL_MS = 1000;

/** Paces a link's `heard` events: at most one per HEARD_INTERVAL_MS while deltas stream, always when forced (a snapshot). */
export class HeardPacer {
  /** When `heard` was last reported (ms): at most one a second, so a busy agent costs no object per delta. */
  private heardAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly clock: (() => Date) | undefined) {}

  /** The event to report now, or undefined while the last one is recent. */
  next(force: boolean): LinkEvent | undefined {
    // Without a clock, Date.now() per delta instead of building a Date.
    const ms = this.clock ? this.clock().getTime() : Date.now();
    if (!force && ms - this.heardAt < HEARD_INTERVAL_MS) return undefined;
    this.heardAt = ms;
    return { type: 'heard', at: new Date(ms).toISOString() };
  }
}

export class AgentLink implements Disposable {
  private socket: AgentSocket | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempt = 0;
  private lastSeq: number | undefined;
  private epoch: string | undefined;
  private disposed = false;
  private helloRole: Role | null = null;
  private readonly pinned: PinnedAgent;
  private readonly pacer: HeardPacer;
  /** Checks this link's deltas; cheaply for a job's progress (main/core/delta-parse.ts). */
  private readonly deltas = new DeltaParser();
  /** This link's place in the gate, from asking to connect until the handshake ended. */
  private ticket: GateTicket | undefined;
  /** A plain TCP connect that checks the agent listens again before a retry builds a whole socket.io connection. */
  private probe: TcpSocket | undefined;

  constructor(private readonly options: AgentLinkOptions) {
    this.pinned = new PinnedAgent(options.fingerprint);
    this.pacer = new HeardPacer(options.clock);
  }

  /** The role of this link's token, as the agent said in its hello (null before the first hello). */
  get role(): Role | null {
    return this.helloRole;
  }

  start(): void {
    if (!this.disposed && !this.socket && !this.ticket) this.connectThroughGate();
  }

  /** Connects now, or when the gate gives this link its turn. */
  private connectThroughGate(): void {
    const gate = this.options.gate;
    if (!gate) {
      this.connect();
      return;
    }
    this.ticket = gate.enter(() => {
      if (this.disposed) this.releaseGate();
      else this.connect();
    });
  }

  /**
   * A retry first tries a plain TCP connect: while the agent is down that fails for a fraction of
   * the cost of a socket.io client, TLS socket and HTTP request (in a reconnect storm of 1000
   * agents the failing retries were most of the console's work, docs/benchmarks.md). It fails with
   * the same words as a full attempt, so an unchanged failure changes no status.
   */
  private probeThenConnect(): void {
    const { host, port } = this.options;
    const probe = tcpConnect({ host, port });
    this.probe = probe;
    probe.setTimeout(this.options.connectTimeoutMs ?? 10_000);
    const settle = (error: (Error & { code?: string }) | undefined): void => {
      if (this.probe !== probe) return;
      this.probe = undefined;
      probe.destroy();
      if (this.disposed) return;
      if (!error) {
        this.connectThroughGate();
        return;
      }
      this.emit({ type: 'unreachable', detail: `cannot connect to ${host}:${port}: ${error.code ?? error.message}` });
      this.scheduleRetry();
    };
    probe.once('connect', () => settle(undefined));
    probe.once('error', (error) => settle(error));
    probe.once('timeout', () => settle(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  }

  private releaseGate(): void {
    this.ticket?.release();
    this.ticket = undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.closeSocket();
    this.pinned.destroy();
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  /** Reports `heard` (refreshes last seen) at most once per HEARD_INTERVAL_MS; always after a snapshot. */
  private heard(force: boolean): void {
    const event = this.pacer.next(force);
    if (event) this.emit(event);
  }

  private connect(): void {
    const { host, port, token } = this.options;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const socket: AgentSocket = io(`https://${urlHost}:${port}`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: this.options.connectTimeoutMs ?? 10_000,
      agent: this.pinned as unknown as string,
      auth: {
        token,
        protocol: this.options.protocol ?? PROTOCOL_VERSION,
        ...(this.lastSeq === undefined || this.epoch === undefined ? {} : { lastSeq: this.lastSeq, epoch: this.epoch }),
      },
    });
    this.socket = socket;

    // The handshake is done: the next link may start its own (the hello follows at once).
    socket.on('connect', () => this.releaseGate());
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      const mismatch = this.pinned.takeMismatch();
      if (mismatch) {
        this.emit({ type: 'refused', reason: 'cert', detail: `the agent presented ${mismatch}, not the pinned ${this.options.fingerprint}` });
      } else {
        const refusal = connectErrorDataSchema.safeParse(error.data);
        if (refusal.success && refusal.data.code === 'VERSION_MISMATCH') {
          this.emit({ type: 'refused', reason: 'version', detail: refusal.data.message });
        } else if (refusal.success && (refusal.data.code === 'AUTH_FAILED' || refusal.data.code === 'AUTH_REQUIRED')) {
          this.emit({ type: 'refused', reason: 'auth', detail: refusal.data.message });
        } else {
          this.emit({ type: 'unreachable', detail: `cannot connect to ${host}:${port}: ${describe(error)}` });
        }
      }
      this.scheduleRetry();
    });
    socket.on('location:hello', (payload) => {
      this.releaseGate();
      const hello = helloSchema.safeParse(payload);
      if (!hello.success) {
        this.emit({ type: 'refused', reason: 'version', detail: `the agent's hello is not protocol ${PROTOCOL_VERSION}: ${hello.error.issues[0]?.message ?? 'invalid'}` });
        this.scheduleRetry();
        return;
      }
      if (hello.data.protocol !== (this.options.protocol ?? PROTOCOL_VERSION)) {
        this.emit({ type: 'refused', reason: 'version', detail: `the agent speaks protocol ${hello.data.protocol}, this console ${PROTOCOL_VERSION}` });
        this.scheduleRetry();
        return;
      }
      this.attempt = 0;
      this.helloRole = hello.data.role;
      this.emit({ type: 'online', at: this.now(), hello: hello.data });
    });
    socket.on('snapshot', (payload) => {
      const snapshot = snapshotSchema.safeParse(payload);
      if (!snapshot.success) return;
      this.lastSeq = snapshot.data.seq;
      this.epoch = snapshot.data.epoch;
      this.deltas.reset();
      this.heard(true);
      this.options.onSnapshot?.(snapshot.data);
    });
    socket.on('delta', (payload) => {
      const delta = this.deltas.parse(payload);
      if (!delta.success) return;
      this.heard(false);
      if (this.options.onDelta && !this.options.onDelta(delta.data)) {
        this.requestSnapshot();
        return;
      }
      this.lastSeq = Math.max(this.lastSeq ?? 0, delta.data.seq);
    });
    socket.on('disconnect', (reason) => {
      this.emit({ type: 'lost', at: this.now(), detail: `connection lost (${reason})` });
      this.scheduleRetry();
    });
  }

  /**
   * Runs a command on the agent. Refused at once with UNREACHABLE when the link is not online, and
   * with BAD_REQUEST when it would not fit in one message. If the link drops before the answer, the
   * command is sent again after the reconnect with the same request id: the agent runs it once.
   */
  async command<K extends ClientCommandName>(name: K, args: CommandArgs<K>, timeoutMs = 120_000): Promise<CommandResult<K>> {
    const size = Buffer.byteLength(JSON.stringify(args) ?? '');
    if (size > MAX_MESSAGE_BYTES - 1024) {
      throw new FloeError('BAD_REQUEST', `${name}: ${size} bytes do not fit in one message (at most ${MAX_MESSAGE_BYTES}); send less at a time`);
    }
    if (!this.socket?.connected) throw new FloeError('UNREACHABLE', `the location at ${this.options.host}:${this.options.port} is not connected; try again when it is Online`);
    const payload = { ...(args as object), [REQUEST_ID_FIELD]: randomUUID() };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const socket = this.socket;
      if (socket?.connected) {
        const outcome = await new Promise<{ raw: unknown } | 'dropped' | 'timeout'>((resolve) => {
          const onDrop = (): void => resolve('dropped');
          socket.once('disconnect', onDrop);
          (socket as unknown as { timeout(ms: number): { emitWithAck(event: string, args: unknown): Promise<unknown> } })
            .timeout(Math.max(1, deadline - Date.now()))
            .emitWithAck(name, payload)
            .then(
              (raw) => resolve({ raw }),
              () => resolve(socket.connected ? 'timeout' : 'dropped'),
            )
            .finally(() => socket.off('disconnect', onDrop));
        });
        if (typeof outcome === 'object') return commandResult(name, outcome.raw);
        if (outcome === 'timeout') break;
      }
      if (Date.now() >= deadline || this.disposed) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new FloeError('TIMEOUT', `${name}: no answer from the agent within ${Math.round(timeoutMs / 1000)} s`);
  }

  /** Asks the agent for a full snapshot (after a gap in the deltas). */
  requestSnapshot(): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    void socket
      .timeout(30_000)
      .emitWithAck('snapshot:request', {})
      .then((ack: unknown) => {
        const reply = ack as { ok?: boolean; data?: unknown };
        const snapshot = snapshotSchema.safeParse(reply.data);
        if (reply.ok && snapshot.success) {
          this.lastSeq = snapshot.data.seq;
          this.epoch = snapshot.data.epoch;
          this.options.onSnapshot?.(snapshot.data);
        }
      })
      .catch(() => undefined);
  }

  private emit(event: LinkEvent): void {
    if (!this.disposed) this.options.onEvent(event);
  }

  private closeSocket(): void {
    this.releaseGate();
    const probe = this.probe;
    this.probe = undefined;
    probe?.destroy();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    socket.removeAllListeners();
    socket.disconnect();
  }

  private scheduleRetry(): void {
    this.closeSocket();
    if (this.disposed || this.retryTimer) return;
    const delay = backoffDelay(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.disposed) this.probeThenConnect();
    }, delay);
  }
}

function describe(error: Error & { description?: unknown }): string {
  const inner = error.description as { error?: { code?: string; message?: string }; message?: string } | undefined;
  return inner?.error?.code ?? inner?.error?.message ?? inner?.message ?? error.message;
}
