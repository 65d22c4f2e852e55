/**
 * The agent's schedule runtime: arms one timer per enabled schedule for its next fire time, fires
 * through a callback with the backup type chosen per task, re-arms from the fire time it just
 * served, emits NEWDAY at each backup-day boundary, keeps a heartbeat, and on start reports (and,
 * where asked, catches up once) the fire times missed while the agent was down.
 *
 * Time comes only from the injected clock and timers. Fire times are absolute instants computed by
 * croner in the schedule's zone, and each is re-derived from the previous fire time (never by adding
 * a period), so DST changes neither shift nor repeat runs; a fire mark per schedule in the store
 * keeps a restart or a clock stepped back from firing the same time twice.
 */
import type { BackupType, Schedule } from '../../shared/schedule.js';
import { backupDayOf, nextNewDay } from './backup-day.js';
import { fireTimes } from './cron.js';
import { planAutoRun, type AutoTask } from './dump-cycle.js';
import { missedRuns, type MissedRun } from './planner.js';
import type { ScheduleStore } from './schedule-store.js';

/** setTimeout caps delays at 2^31 - 1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_HEARTBEAT_MS = 60_000;

export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: TimerApi = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export type SchedulerStore = Pick<ScheduleStore, 'list' | 'backupDay' | 'lastAlive' | 'recordAlive' | 'lastFired' | 'recordFired' | 'createdAt' | 'recordMissed'>;

export interface TaskPlan {
  readonly type: BackupType;
  readonly reason: string;
}

export interface ScheduledFire {
  readonly schedule: Schedule;
  readonly plannedAt: Date;
  /** True for the one catch-up fire of a run missed while the agent was down. */
  readonly missed: boolean;
  /** The backup type of each task of the schedule, and why. */
  readonly tasks: ReadonlyMap<string, TaskPlan>;
}

export interface SchedulerOptions {
  readonly store: SchedulerStore;
  readonly clock: () => Date;
  readonly timers?: TimerApi;
  readonly fire: (fire: ScheduledFire) => void | Promise<void>;
  /** NEWDAY: the backup day `day` began at `at`. */
  readonly onNewDay?: (day: string, at: Date) => void;
  readonly onMissed?: (missed: readonly MissedRun[]) => void;
  readonly onError?: (error: unknown) => void;
  /** A task's last full backup and its size, for `auto` schedules (from the job history). */
  readonly history?: (task: string) => Omit<AutoTask, 'name'>;
  readonly heartbeatMs?: number;
}

export class Scheduler {
  private readonly timers: TimerApi;
  private readonly handles = new Map<string, unknown>();
  private started = false;
  private disposed = false;

  constructor(private readonly options: SchedulerOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  /** Reports missed runs, queues the catch-up fires, arms every enabled schedule, NEWDAY and the heartbeat. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    const { store } = this.options;
    const now = this.options.clock();
    // A fire time exactly at start is armed, not missed.
    const justBefore = new Date(now.getTime() - 1);
    const lastAlive = store.lastAlive();
    const schedules = store.list().filter((schedule) => schedule.enabled);
    if (lastAlive !== null) {
      const missed = this.guard(() => missedRuns(schedules, lastAlive, justBefore, (schedule) => latest(store.lastFired(schedule.name), store.createdAt(schedule.name))), []);
      for (const entry of missed) {
        store.recordMissed(entry.schedule.name, entry.times);
        if (entry.schedule.runMissed) this.armAt(`missed:${entry.schedule.name}`, now, () => this.fireSchedule(entry.schedule, entry.latest, true));
      }
      if (missed.length > 0) this.guard(() => this.options.onMissed?.(missed), undefined);
    }
    store.recordAlive(now);
    for (const schedule of schedules) this.armSchedule(schedule, latest(justBefore, store.lastFired(schedule.name)) ?? justBefore);
    this.armNewDay(now);
    this.armHeartbeat();
  }

  /** Re-reads the schedules (after add, remove, enable, disable, or a backup-day change) and re-arms them. */
  reload(): void {
    if (!this.started || this.disposed) return;
    for (const key of [...this.handles.keys()]) {
      if (key.startsWith('schedule:') || key === 'newday') this.cancel(key);
    }
    const now = this.options.clock();
    const justBefore = new Date(now.getTime() - 1);
    for (const schedule of this.options.store.list()) {
      if (schedule.enabled) this.armSchedule(schedule, latest(justBefore, this.options.store.lastFired(schedule.name)) ?? justBefore);
    }
    this.armNewDay(now);
  }

  /** Stops every timer; nothing fires afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const key of [...this.handles.keys()]) this.cancel(key);
  }

  /** How many timers are armed (for tests and status). */
  get armed(): number {
    return this.handles.size;
  }

  private armSchedule(schedule: Schedule, after: Date): void {
    const next = this.guard(() => fireTimes(schedule.cron, schedule.timezone).next(after), null);
    if (next === null) return;
    this.armAt(`schedule:${schedule.name}`, next, () => {
      this.fireSchedule(schedule, next, false);
      // From the fire time served, or from now if the timer woke late (a suspended host): the
      // times in between are skipped, not fired in a burst.
      const now = this.options.clock();
      this.armSchedule(schedule, now > next ? now : next);
    });
  }

  private fireSchedule(schedule: Schedule, plannedAt: Date, missed: boolean): void {
    const { store } = this.options;
    const lastFired = store.lastFired(schedule.name);
    if (lastFired !== null && lastFired >= plannedAt) return;
    store.recordFired(schedule.name, plannedAt);
    const tasks = this.guard(() => this.taskPlans(schedule, plannedAt), null);
    if (tasks === null) return;
    this.guard(() => {
      const result = this.options.fire({ schedule, plannedAt, missed, tasks });
      if (result instanceof Promise) result.catch((error: unknown) => this.report(error));
    }, undefined);
  }

  private taskPlans(schedule: Schedule, plannedAt: Date): Map<string, TaskPlan> {
    const type = schedule.type;
    if (type === 'check') return new Map();
    if (type !== 'auto') {
      return new Map(schedule.tasks.map((task) => [task, { type, reason: `${type}: set by schedule "${schedule.name}"` }]));
    }
    const times = fireTimes(schedule.cron, schedule.timezone);
    const horizon = plannedAt.getTime() + (schedule.dumpCycleDays + 7) * DAY_MS;
    const upcomingRuns: Date[] = [];
    for (let at = times.next(plannedAt); at !== null && at.getTime() <= horizon && upcomingRuns.length < 1000; at = times.next(at)) upcomingRuns.push(at);
    const tasks = schedule.tasks.map((name) => ({ name, ...(this.options.history?.(name) ?? { lastFullAt: null }) }));
    const plan = planAutoRun({ now: plannedAt, tasks, dumpCycleDays: schedule.dumpCycleDays, runsPerCycle: schedule.runsPerCycle, upcomingRuns });
    return new Map([...plan].map(([task, decision]) => [task, { type: decision.level, reason: decision.reason }]));
  }

  private armNewDay(after: Date): void {
    const config = this.options.store.backupDay();
    const at = nextNewDay(after, config);
    this.armAt('newday', at, () => {
      this.guard(() => this.options.onNewDay?.(backupDayOf(at, config), at), undefined);
      this.armNewDay(at);
    });
  }

  private armHeartbeat(): void {
    const every = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const at = new Date(this.options.clock().getTime() + every);
    this.armAt('heartbeat', at, () => {
      this.guard(() => this.options.store.recordAlive(this.options.clock()), undefined);
      this.armHeartbeat();
    });
  }

  /** Runs `action` once the clock has reached `target`, re-arming if a timer wakes early or the wait is too long for one timer. */
  private armAt(key: string, target: Date, action: () => void): void {
    this.cancel(key);
    const check = (): void => {
      this.handles.delete(key);
      if (this.disposed) return;
      const remaining = target.getTime() - this.options.clock().getTime();
      if (remaining > 0) {
        this.handles.set(key, this.timers.setTimeout(check, Math.min(remaining, MAX_TIMER_MS)));
        return;
      }
      action();
    };
    const delay = Math.max(0, Math.min(target.getTime() - this.options.clock().getTime(), MAX_TIMER_MS));
    this.handles.set(key, this.timers.setTimeout(check, delay));
  }

  private cancel(key: string): void {
    if (!this.handles.has(key)) return;
    this.timers.clearTimeout(this.handles.get(key));
    this.handles.delete(key);
  }

  private guard<T>(action: () => T, fallback: T): T {
    try {
      return action();
    } catch (error) {
      this.report(error);
      return fallback;
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error reporter that throws must not stop the scheduler.
    }
  }
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
