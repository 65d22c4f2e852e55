/**
 * The core's side of the link thread (link-thread.ts): one ThreadLink per location stands in for its
 * AgentLink. The thread's reports reach the links' callbacks in order, a few milliseconds of them per
 * turn of the core's event loop, so 1000 snapshots arriving together do not stall it either. When the
 * thread dies, every link is reported lost and opened again in a new thread.
 */
import type { Worker } from 'node:worker_threads';
import type { ClientCommandName } from '../../shared/protocol/catalog.js';
import type { CommandArgs, CommandResult } from '../../shared/protocol/ack.js';
import type { Role } from '../../shared/protocol/role.js';
import { FloeError } from '../../shared/errors.js';
import type { Disposable } from './disposable.js';
import { HeardPacer, type AgentLinkOptions } from './agent-link.js';
import type { LinkEvent } from './link-status.js';
import type { FromLinkThread, LinkReport, LinkSettings, ToLinkThread } from './link-thread-protocol.js';
import { ProgressReceiver, type ProgressReport } from './progress-report.js';
import { startCoreThread } from './thread-start.js';

/** What the core holds per location: an AgentLink, or a ThreadLink standing in for one. */
export interface LocationLink extends Disposable {
  readonly role: Role | null;
  start(): void;
  command<K extends ClientCommandName>(name: K, args: CommandArgs<K>, timeoutMs?: number): Promise<CommandResult<K>>;
}

/** What a location's link reports to the core, as an AgentLink's options name it; `clock` stamps the events' times on arrival. */
export type ThreadLinkCallbacks = Pick<AgentLinkOptions, 'onEvent' | 'onSnapshot' | 'onDelta' | 'clock'>;

const isProgressReport = (report: LinkReport | ProgressReport): report is ProgressReport => Array.isArray(report);

/** How long after a failed start the thread is tried again. */
const START_RETRY_MS = 5000;

/** How long the thread may take to close its connections when the core stops. */
const STOP_GRACE_MS = 2000;

/** How long one turn of the core's event loop delivers reports before it lets other work run. */
const DELIVERY_SLICE_MS = 4;

/** How long the thread gathers reports into one message unless told otherwise: the core's push interval. */
const DEFAULT_GATHER_MS = 100;

export interface LinkThreadHostOptions {
  /** Starts the thread (tests give one that fails). */
  readonly start?: () => Promise<Worker>;
  /** How long after a failed start the thread is tried again. */
  readonly startRetryMs?: number;
  /**
   * How long the thread gathers reports into one message. Each message costs both threads a
   * wake-up (about 250 µs of CPU here); the core pushes to the renderer once per push interval
   * anyway, so the core passes that interval (docs/benchmarks.md).
   */
  readonly gatherMs?: number;
  /**
   * Holds the core's pushes while a message's reports are handed over a slice per turn, so a push
   * carries the whole message (TurnQueue.hold); returns the release.
   */
  readonly holdPushes?: () => () => void;
}

interface PendingCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class LinkThreadHost implements Disposable {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private readonly links = new Map<number, ThreadLink>();
  private readonly calls = new Map<number, PendingCall>();
  private readonly queue: (LinkReport | ProgressReport)[] = [];
  private readonly progress = new ProgressReceiver();
  private queueHead = 0;
  private delivery: ReturnType<typeof setImmediate> | undefined;
  private nextLink = 1;
  private nextCall = 1;
  private disposed = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  private releasePushes: (() => void) | undefined;

  private readonly start: () => Promise<Worker>;
  private readonly startRetryMs: number;
  private readonly gatherMs: number;
  private readonly holdPushes: (() => () => void) | undefined;

  constructor(options: LinkThreadHostOptions = {}) {
    this.start = options.start ?? (() => startCoreThread('link-thread'));
    this.startRetryMs = options.startRetryMs ?? START_RETRY_MS;
    this.gatherMs = options.gatherMs ?? DEFAULT_GATHER_MS;
    this.holdPushes = options.holdPushes;
  }

  /** A link for one location; it connects on start(). */
  link(settings: LinkSettings, callbacks: ThreadLinkCallbacks): LocationLink {
    const link = new ThreadLink(this, this.nextLink++, settings, callbacks);
    this.links.set(link.id, link);
    return link;
  }

  dispose(): void {
    this.disposed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.delivery) clearImmediate(this.delivery);
    this.delivery = undefined;
    this.queue.length = 0;
    this.pushesMayGo();
    this.links.clear();
    this.failCalls('the console is shutting down');
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    // The links close their connections as they would on their own; a thread that does not end soon is ended.
    worker.postMessage({ type: 'stop' } satisfies ToLinkThread);
    setTimeout(() => void worker.terminate(), STOP_GRACE_MS).unref();
  }

  /** @internal ThreadLink's way to the thread; messages sent before the thread runs wait for it, in order. */
  send(message: ToLinkThread): void {
    if (this.disposed) return;
    if (this.worker) {
      this.worker.postMessage(message);
      return;
    }
    void this.thread().then((worker) => worker.postMessage(message), () => undefined);
  }

  /** @internal */
  call(link: number, name: string, args: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const call = this.nextCall++;
      this.calls.set(call, { resolve, reject });
      this.send({ type: 'command', link, call, name, args, timeoutMs });
    });
  }

  /** @internal */
  forget(link: number): void {
    this.links.delete(link);
    this.progress.forget(link);
    this.send({ type: 'close', link });
  }

  private thread(): Promise<Worker> {
    if (this.starting) return this.starting;
    this.starting = this.start().then((worker) => {
      if (this.disposed) {
        void worker.terminate();
        throw new FloeError('UNREACHABLE', 'the console is shutting down');
      }
      this.worker = worker;
      worker.postMessage({ type: 'pace', gatherMs: this.gatherMs } satisfies ToLinkThread);
      // The thread keeps no process alive on its own: the core's dispose() ends it.
      worker.unref();
      worker.on('message', (message: FromLinkThread) => this.received(message));
      worker.on('error', (error) => this.lost(worker, `the console's link thread failed (${error.message})`));
      worker.on('exit', (code) => this.lost(worker, `the console's link thread stopped (exit code ${code})`));
      return worker;
    });
    this.starting.catch((error: unknown) => this.startFailed(error));
    return this.starting;
  }

  /** The thread did not start: the links say so (Offline with the reason), and it is tried again in a while. */
  private startFailed(error: unknown): void {
    if (this.disposed) return;
    this.starting = undefined;
    const detail = `the console's link thread did not start (${error instanceof Error ? error.message : String(error)}); it tries again every ${Math.round(this.startRetryMs / 1000)} s`;
    this.failCalls(detail);
    for (const link of this.links.values()) link.threadUnavailable(detail);
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      for (const link of this.links.values()) link.reopen();
    }, this.startRetryMs);
    this.retry.unref();
  }

  private received(message: FromLinkThread): void {
    if (message.type === 'reports') {
      for (const report of message.reports) this.queue.push(report);
      this.releasePushes ??= this.holdPushes?.();
      this.deliver();
      return;
    }
    const call = this.calls.get(message.call);
    if (!call) return;
    this.calls.delete(message.call);
    if (message.ok) call.resolve(message.value);
    else call.reject(new FloeError(message.code, message.message));
  }

  /** Hands queued reports to their links, for at most DELIVERY_SLICE_MS per turn. */
  private deliver(): void {
    if (this.delivery) return;
    const started = performance.now();
    while (this.queueHead < this.queue.length) {
      this.handOver(this.queue[this.queueHead++] as LinkReport | ProgressReport);
      if ((this.queueHead & 15) === 0 && performance.now() - started > DELIVERY_SLICE_MS) break;
    }
    if (this.queueHead < this.queue.length) {
      this.delivery = setImmediate(() => {
        this.delivery = undefined;
        this.deliver();
      });
      return;
    }
    this.queue.length = 0;
    this.queueHead = 0;
    this.pushesMayGo();
  }

  private pushesMayGo(): void {
    this.releasePushes?.();
    this.releasePushes = undefined;
  }

  /** One report to its link, a short progress form expanded first. */
  private handOver(report: LinkReport | ProgressReport): void {
    if (isProgressReport(report)) {
      const id = report[0];
      // A link closed meanwhile: nothing to hand over, nothing to remember.
      if (!this.links.has(id)) return;
      const delta = this.progress.expand(report);
      // Not remembered here: the two ends disagree (a bug); a snapshot sets the location right.
      if (delta) this.links.get(id)?.report({ link: id, kind: 'delta', delta });
      else this.send({ type: 'request-snapshot', link: id });
      return;
    }
    const link = this.links.get(report.link);
    if (!link) return;
    if (report.kind === 'snapshot') this.progress.forget(report.link);
    else if (report.kind === 'delta') this.progress.whole(report.link, report.delta);
    link.report(report);
  }

  /** The thread died (it should not): the links report the loss, and a new thread opens them again. */
  private lost(worker: Worker, detail: string): void {
    if (this.worker !== worker || this.disposed) return;
    this.worker = undefined;
    this.starting = undefined;
    // What the thread sent before it died comes first; the next thread starts with no jobs remembered.
    if (this.delivery) clearImmediate(this.delivery);
    this.delivery = undefined;
    while (this.queueHead < this.queue.length) this.handOver(this.queue[this.queueHead++] as LinkReport | ProgressReport);
    this.queue.length = 0;
    this.queueHead = 0;
    this.pushesMayGo();
    for (const id of this.links.keys()) this.progress.forget(id);
    this.failCalls(`${detail}; try again when the location is Online`);
    for (const link of this.links.values()) link.threadLost(detail);
  }

  /** Every call waiting for an answer is refused: its answer can no longer come. */
  private failCalls(message: string): void {
    for (const call of this.calls.values()) call.reject(new FloeError('UNREACHABLE', message));
    this.calls.clear();
  }
}

/** One location's link, living in the link thread. */
class ThreadLink implements LocationLink {
  private helloRole: Role | null = null;
  /** The thread does not send `heard`: a snapshot or a delta is the sign, paced as AgentLink paces it. */
  private readonly pacer: HeardPacer;
  private started = false;
  private disposed = false;

  constructor(
    private readonly host: LinkThreadHost,
    readonly id: number,
    private readonly settings: LinkSettings,
    private readonly callbacks: ThreadLinkCallbacks,
  ) {
    this.pacer = new HeardPacer(callbacks.clock);
  }

  get role(): Role | null {
    return this.helloRole;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.host.send({ type: 'open', link: this.id, settings: this.settings });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.host.forget(this.id);
  }

  async command<K extends ClientCommandName>(name: K, args: CommandArgs<K>, timeoutMs = 120_000): Promise<CommandResult<K>> {
    return (await this.host.call(this.id, name, args, timeoutMs)) as CommandResult<K>;
  }

  /** @internal A report from the thread, in order. */
  report(report: LinkReport): void {
    if (this.disposed) return;
    if (report.kind === 'event') {
      const event = this.stamped(report.event);
      if (event.type === 'online') this.helloRole = event.hello.role;
      this.callbacks.onEvent(event);
    } else if (report.kind === 'snapshot') {
      this.heard(true);
      this.callbacks.onSnapshot?.(report.snapshot);
    } else {
      this.heard(false);
      if (this.callbacks.onDelta && !this.callbacks.onDelta(report.delta)) this.host.send({ type: 'request-snapshot', link: this.id });
    }
  }

  private heard(force: boolean): void {
    const event = this.pacer.next(force);
    if (event) this.callbacks.onEvent(event);
  }

  /** @internal The thread died: lost (as a dropped connection is), then opened again in the next thread. */
  threadLost(detail: string): void {
    if (this.disposed) return;
    this.callbacks.onEvent(this.stamped({ type: 'lost', at: new Date().toISOString(), detail }));
    this.reopen();
  }

  /** @internal The thread could not start: unreachable, with the reason. */
  threadUnavailable(detail: string): void {
    if (!this.disposed) this.callbacks.onEvent({ type: 'unreachable', detail });
  }

  /** @internal Opens this link again in the next thread. */
  reopen(): void {
    if (this.started && !this.disposed) this.host.send({ type: 'open', link: this.id, settings: this.settings });
  }

  private stamped(event: LinkEvent): LinkEvent {
    const clock = this.callbacks.clock;
    if (!clock || !('at' in event)) return event;
    return { ...event, at: clock().toISOString() };
  }
}
