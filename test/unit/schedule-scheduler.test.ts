/** The Scheduler with fake timers: fire instants, DST, NEWDAY, missed runs, reload, dispose. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, type ScheduledFire, type SchedulerStore } from '../../agent/schedule/scheduler.js';
import { scheduleSchema, type BackupDayConfig, type Schedule } from '../../shared/schedule.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

function schedule(overrides: Partial<Schedule>): Schedule {
  return scheduleSchema.parse({ name: 'nightly', cron: '0 22 * * *', timezone: 'UTC', tasks: ['home'], type: 'incr', dumpCycleDays: 14, runsPerCycle: 10, enabled: true, runMissed: false, ...overrides });
}

/** An in-memory SchedulerStore. */
class MemoryStore implements SchedulerStore {
  schedules: Schedule[] = [];
  alive: Date | null = null;
  fired = new Map<string, Date>();
  missed: Array<{ name: string; times: readonly Date[] }> = [];
  aliveWrites = 0;
  day: BackupDayConfig = { boundary: '06:00', timezone: 'Europe/Berlin' };
  list(): Schedule[] {
    return [...this.schedules];
  }
  backupDay(): BackupDayConfig {
    return this.day;
  }
  lastAlive(): Date | null {
    return this.alive;
  }
  recordAlive(now: Date): void {
    this.aliveWrites += 1;
    if (this.alive === null || now > this.alive) this.alive = now;
  }
  lastFired(name: string): Date | null {
    return this.fired.get(name) ?? null;
  }
  recordFired(name: string, at: Date): void {
    this.fired.set(name, at);
  }
  createdAt(): Date | null {
    return new Date('2020-01-01T00:00:00Z');
  }
  recordMissed(name: string, times: readonly Date[]): void {
    this.missed.push({ name, times });
  }
}

interface Harness {
  store: MemoryStore;
  fires: Array<ScheduledFire & { at: string }>;
  days: Array<[string, string]>;
  errors: unknown[];
  scheduler: Scheduler;
}

function harness(schedules: Schedule[], extra: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}, store = new MemoryStore()): Harness {
  store.schedules = schedules;
  const fires: Harness['fires'] = [];
  const days: Harness['days'] = [];
  const errors: unknown[] = [];
  const scheduler = new Scheduler({
    store,
    clock: () => new Date(),
    fire: (fire) => {
      fires.push({ ...fire, at: new Date().toISOString() });
    },
    onNewDay: (day, at) => days.push([day, at.toISOString()]),
    onError: (error) => errors.push(error),
    heartbeatMs: HOUR,
    ...extra,
  });
  return { store, fires, days, errors, scheduler };
}

const planned = (h: Harness, name?: string): string[] => h.fires.filter((f) => name === undefined || f.schedule.name === name).map((f) => f.plannedAt.toISOString());

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('fires each schedule at its instants, with the clock at the planned time, and types per task', () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:00Z'));
    const h = harness([schedule({ name: 'utc', cron: '0 22 * * *', tasks: ['home', 'mail'], type: 'full' }), schedule({ name: 'berlin', cron: '30 2 * * *', timezone: 'Europe/Berlin' })]);
    h.scheduler.start();
    vi.advanceTimersByTime(2 * DAY);
    expect(planned(h, 'utc')).toEqual(['2026-01-10T22:00:00.000Z', '2026-01-11T22:00:00.000Z']);
    expect(planned(h, 'berlin')).toEqual(['2026-01-11T01:30:00.000Z', '2026-01-12T01:30:00.000Z']);
    for (const fire of h.fires) expect(fire.at).toBe(fire.plannedAt.toISOString());
    expect([...(h.fires[0]?.tasks ?? [])].map(([task, plan]) => [task, plan.type])).toEqual([
      ['home', 'full'],
      ['mail', 'full'],
    ]);
    expect(h.fires.every((f) => !f.missed)).toBe(true);
    h.scheduler.dispose();
  });

  it('across spring forward and fall back: a 02:30 job fires once a day, an hourly job 25 times on the long day', () => {
    vi.setSystemTime(new Date('2026-03-27T12:00:00Z'));
    const spring = harness([schedule({ name: 'fixed', cron: '30 2 * * *', timezone: 'Europe/Berlin' })]);
    spring.scheduler.start();
    vi.advanceTimersByTime(3 * DAY);
    expect(planned(spring)).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    spring.scheduler.dispose();

    vi.setSystemTime(new Date('2026-10-24T12:00:00Z'));
    const fall = harness([schedule({ name: 'fixed', cron: '30 2 * * *', timezone: 'Europe/Berlin' }), schedule({ name: 'hourly', cron: '0 * * * *', timezone: 'Europe/Berlin' })]);
    fall.scheduler.start();
    vi.advanceTimersByTime(3 * DAY);
    expect(planned(fall, 'fixed')).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
    const hourly = planned(fall, 'hourly');
    expect(new Set(hourly).size).toBe(hourly.length);
    // Local 2026-10-25 runs from 22:00Z on the 24th to 23:00Z on the 25th.
    expect(hourly.filter((t) => t >= '2026-10-24T22:00:00.000Z' && t < '2026-10-25T23:00:00.000Z')).toHaveLength(25);
    fall.scheduler.dispose();
  });

  it('emits NEWDAY once per backup day at the boundary, DST included', () => {
    vi.setSystemTime(new Date('2026-03-27T12:00:00Z'));
    const h = harness([]);
    h.scheduler.start();
    vi.advanceTimersByTime(3 * DAY);
    expect(h.days).toEqual([
      ['2026-03-28', '2026-03-28T05:00:00.000Z'],
      ['2026-03-29', '2026-03-29T04:00:00.000Z'],
      ['2026-03-30', '2026-03-30T04:00:00.000Z'],
    ]);
    h.scheduler.dispose();
  });

  it('on start reports missed fire times, records them, and catches up once where runMissed is set', () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:00Z'));
    const store = new MemoryStore();
    store.alive = new Date('2026-01-07T12:00:00Z');
    const reported: string[] = [];
    const h = harness(
      [schedule({ name: 'catchup', cron: '0 22 * * *', runMissed: true }), schedule({ name: 'skip', cron: '0 23 * * *' }), schedule({ name: 'off', cron: '0 21 * * *', enabled: false })],
      { onMissed: (missed) => reported.push(...missed.map((m) => `${m.schedule.name}:${m.count}`)) },
      store,
    );
    h.scheduler.start();
    expect(reported).toEqual(['catchup:3', 'skip:3']);
    expect(store.missed.map((m) => [m.name, m.times.length])).toEqual([
      ['catchup', 3],
      ['skip', 3],
    ]);
    vi.advanceTimersByTime(0);
    expect(h.fires.map((f) => [f.schedule.name, f.plannedAt.toISOString(), f.missed])).toEqual([['catchup', '2026-01-09T22:00:00.000Z', true]]);
    expect(store.alive?.toISOString()).toBe('2026-01-10T12:00:00.000Z');
    vi.advanceTimersByTime(12 * HOUR);
    expect(planned(h)).toEqual(['2026-01-09T22:00:00.000Z', '2026-01-10T22:00:00.000Z', '2026-01-10T23:00:00.000Z']);
    h.scheduler.dispose();

    // A restart right away finds nothing new to catch up.
    const again = harness(store.schedules, {}, store);
    again.scheduler.start();
    vi.advanceTimersByTime(0);
    expect(again.fires).toEqual([]);
    again.scheduler.dispose();
  });

  it('a fire time exactly at start is fired, not reported missed', () => {
    vi.setSystemTime(new Date('2026-01-10T22:00:00Z'));
    const store = new MemoryStore();
    store.alive = new Date('2026-01-10T21:00:00Z');
    const h = harness([schedule({ cron: '0 22 * * *' })], {}, store);
    h.scheduler.start();
    vi.advanceTimersByTime(0);
    expect(planned(h)).toEqual(['2026-01-10T22:00:00.000Z']);
    expect(store.missed).toEqual([]);
    h.scheduler.dispose();
  });

  it('never fires the same time twice when the clock steps back', () => {
    vi.setSystemTime(new Date('2026-01-10T21:00:00Z'));
    const h = harness([schedule({ cron: '0 22 * * *' })]);
    h.scheduler.start();
    vi.advanceTimersByTime(1.5 * HOUR);
    expect(planned(h)).toEqual(['2026-01-10T22:00:00.000Z']);
    vi.setSystemTime(new Date('2026-01-10T21:30:00Z'));
    h.scheduler.reload();
    vi.advanceTimersByTime(2 * HOUR);
    expect(planned(h)).toEqual(['2026-01-10T22:00:00.000Z']);
    h.scheduler.dispose();
  });

  it('auto schedules get full or incr per task from the dump-cycle planner', () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:00Z'));
    const lastFull: Record<string, Date | null> = { home: null, mail: new Date('2026-01-09T22:00:00Z') };
    const h = harness([schedule({ cron: '0 22 * * *', tasks: ['home', 'mail'], type: 'auto' })], { history: (task) => ({ lastFullAt: lastFull[task] ?? null }) });
    h.scheduler.start();
    vi.advanceTimersByTime(12 * HOUR);
    const tasks = h.fires[0]?.tasks;
    expect(tasks?.get('home')?.type).toBe('full');
    expect(tasks?.get('mail')?.type).toBe('incr');
    expect(tasks?.get('mail')?.reason).toMatch(/due by/);
    h.scheduler.dispose();
  });

  it('keeps going when the fire callback throws or rejects, and reports the error', async () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:30Z'));
    let calls = 0;
    const h = harness([schedule({ cron: '0 * * * *' })], {
      fire: async () => {
        calls += 1;
        if (calls === 1) throw new Error('runner busy');
      },
    });
    h.scheduler.start();
    vi.advanceTimersByTime(3 * HOUR);
    await Promise.resolve();
    expect(calls).toBe(3);
    expect(h.errors.map((e) => (e as Error).message)).toEqual(['runner busy']);
    h.scheduler.dispose();
  });

  it('reload follows enable/disable; the heartbeat is written; dispose stops everything', () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:30Z'));
    const h = harness([schedule({ name: 'a', cron: '0 * * * *' })]);
    h.scheduler.start();
    vi.advanceTimersByTime(2 * HOUR);
    expect(planned(h, 'a')).toHaveLength(2);
    expect(h.store.aliveWrites).toBe(3); // start + two heartbeats
    h.store.schedules = [schedule({ name: 'a', cron: '0 * * * *', enabled: false }), schedule({ name: 'b', cron: '30 * * * *' })];
    h.scheduler.reload();
    vi.advanceTimersByTime(2 * HOUR);
    expect(planned(h, 'a')).toHaveLength(2);
    expect(planned(h, 'b')).toEqual(['2026-01-10T14:30:00.000Z', '2026-01-10T15:30:00.000Z']);
    expect(h.scheduler.armed).toBeGreaterThan(0);
    h.scheduler.dispose();
    expect(h.scheduler.armed).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    const before = h.fires.length;
    const days = h.days.length;
    vi.advanceTimersByTime(10 * DAY);
    expect(h.fires).toHaveLength(before);
    expect(h.days).toHaveLength(days);
  });

  it('a yearly schedule waits beyond the longest single timer', () => {
    vi.setSystemTime(new Date('2026-01-10T12:00:00Z'));
    const h = harness([schedule({ cron: '0 0 1 6 *' })], { heartbeatMs: 30 * DAY });
    h.scheduler.start();
    vi.advanceTimersByTime(141 * DAY); // to 2026-05-31T12:00Z
    expect(planned(h)).toEqual([]);
    vi.advanceTimersByTime(DAY);
    expect(planned(h)).toEqual(['2026-06-01T00:00:00.000Z']);
    h.scheduler.dispose();
  });
});
