/** The Amanda-style dump-cycle planner, run over simulated months. */
import { describe, expect, it } from 'vitest';
import { planAutoRun, type AutoTask } from '../../agent/schedule/dump-cycle.js';
import { fireTimes } from '../../agent/schedule/cron.js';

const DAY = 24 * 60 * 60 * 1000;

interface Simulation {
  readonly runs: Array<{ at: Date; fulls: string[] }>;
  readonly fullsOf: Map<string, Date[]>;
}

/** Runs the planner at every fire time of `cron` for `days` days, feeding back each task's last full. */
function simulate(opts: { cron: string; days: number; tasks: number; cycle: number; runsPerCycle: number; sizes?: number[]; giveUpcoming?: boolean }): Simulation {
  const times = fireTimes(opts.cron, 'Europe/Berlin');
  const start = new Date('2026-01-01T00:00:00Z');
  const end = new Date(start.getTime() + opts.days * DAY);
  const names = Array.from({ length: opts.tasks }, (_, i) => `task${i + 1}`);
  const lastFull = new Map<string, Date | null>(names.map((name) => [name, null]));
  const fullsOf = new Map<string, Date[]>(names.map((name) => [name, []]));
  const runs: Simulation['runs'] = [];
  for (let at = times.next(start); at !== null && at < end; at = times.next(at)) {
    const upcoming: Date[] = [];
    for (let next = times.next(at); next !== null && upcoming.length < 60 && next.getTime() <= at.getTime() + (opts.cycle + 7) * DAY; next = times.next(next)) upcoming.push(next);
    const tasks: AutoTask[] = names.map((name, i) => ({ name, lastFullAt: lastFull.get(name) ?? null, ...(opts.sizes ? { fullSizeEstimate: opts.sizes[i] } : {}) }));
    const plan = planAutoRun({ now: at, tasks, dumpCycleDays: opts.cycle, runsPerCycle: opts.runsPerCycle, ...(opts.giveUpcoming === false ? {} : { upcomingRuns: upcoming }) });
    const fulls = [...plan].filter(([, decision]) => decision.level === 'full').map(([name]) => name);
    for (const name of fulls) {
      lastFull.set(name, at);
      fullsOf.get(name)?.push(at);
    }
    runs.push({ at, fulls });
  }
  return { runs, fullsOf };
}

/** Every window [t, t + cycle) from the first run to the end holds a full of every task. */
function expectFullInEveryWindow(sim: Simulation, cycleDays: number): void {
  const first = sim.runs[0]?.at.getTime() ?? 0;
  const last = sim.runs[sim.runs.length - 1]?.at.getTime() ?? 0;
  for (const [task, fulls] of sim.fullsOf) {
    const points = fulls.map((at) => at.getTime());
    expect(points[0], `${task} gets its first full on the first run`).toBe(first);
    // The longest stretch with no full, including the tail up to the last run.
    let widest = 0;
    for (let i = 1; i < points.length; i += 1) widest = Math.max(widest, (points[i] ?? 0) - (points[i - 1] ?? 0));
    widest = Math.max(widest, last - (points[points.length - 1] ?? 0));
    expect(widest, `${task}: gap between fulls`).toBeLessThanOrEqual(cycleDays * DAY);
  }
}

describe('dump-cycle planner', () => {
  it('weekday runs, 120 days, 7 tasks, cycle 14 days / 10 runs: a full per task per cycle, fulls spread', () => {
    const sim = simulate({ cron: '0 1 * * 1-5', days: 120, tasks: 7, cycle: 14, runsPerCycle: 10 });
    expect(sim.runs.length).toBeGreaterThan(80);
    expectFullInEveryWindow(sim, 14);
    expect(sim.runs[0]?.fulls).toHaveLength(7); // a fresh start: no task has a full to build on
    const later = sim.runs.slice(1).map((run) => run.fulls.length);
    expect(Math.max(...later)).toBeLessThanOrEqual(Math.ceil(7 / 10) + 1);
    // Spread, not clumped: after the first cycle most runs carry a full.
    const settled = sim.runs.filter((run) => run.at.getTime() >= (sim.runs[0]?.at.getTime() ?? 0) + 14 * DAY);
    expect(settled.filter((run) => run.fulls.length > 0).length).toBeGreaterThan(settled.length / 2);
    // And not wasteful: about one full per task per cycle (120 / 14 ≈ 8.6 cycles), not one per run.
    const totalFulls = sim.runs.reduce((sum, run) => sum + run.fulls.length, 0);
    expect(totalFulls).toBeLessThanOrEqual(7 * Math.ceil(120 / 14) * 1.35);
  });

  it('daily runs without upcoming fire times given (evenly spaced assumption) keep the cycle too', () => {
    const sim = simulate({ cron: '30 22 * * *', days: 120, tasks: 7, cycle: 14, runsPerCycle: 14, giveUpcoming: false });
    expectFullInEveryWindow(sim, 14);
    expect(Math.max(...sim.runs.slice(1).map((run) => run.fulls.length))).toBeLessThanOrEqual(Math.ceil(7 / 14) + 1);
  });

  it('balances by estimated full size: one big task does not share its run with many others', () => {
    const sizes = [800, 100, 100, 100, 100, 100, 100, 100];
    const sim = simulate({ cron: '0 1 * * *', days: 90, tasks: 8, cycle: 7, runsPerCycle: 7, sizes });
    expectFullInEveryWindow(sim, 7);
    const bytesPerRun = sim.runs.slice(8).map((run) => run.fulls.reduce((sum, name) => sum + (sizes[Number(name.slice(4)) - 1] ?? 0), 0));
    // Balanced ≈ 1500 / 7 ≈ 214 bytes per run; the big task alone is 800: it must not be joined by more than one small one.
    expect(Math.max(...bytesPerRun)).toBeLessThanOrEqual(900);
  });

  it('explains each decision', () => {
    const now = new Date('2026-02-10T01:00:00Z');
    const plan = planAutoRun({
      now,
      dumpCycleDays: 14,
      runsPerCycle: 10,
      tasks: [
        { name: 'new', lastFullAt: null },
        { name: 'old', lastFullAt: new Date(now.getTime() - 13.9 * DAY) },
        { name: 'fresh', lastFullAt: new Date(now.getTime() - 1 * DAY) },
      ],
    });
    expect(plan.get('new')).toEqual({ level: 'full', reason: expect.stringMatching(/no full backup on record/) });
    expect(plan.get('old')?.level).toBe('full');
    expect(plan.get('old')?.reason).toMatch(/13\.9 days ago.*14-day dump cycle/);
    expect(plan.get('fresh')).toEqual({ level: 'incr', reason: expect.stringMatching(/\(1\.0 days ago\); a full is due by 2026-02-23T01:00:00Z/) });
    expect([...plan.keys()]).toEqual(['new', 'old', 'fresh']);
  });

  it('refuses a cycle of zero days or runs', () => {
    expect(() => planAutoRun({ now: new Date(), tasks: [], dumpCycleDays: 0, runsPerCycle: 10 })).toThrow(/at least 1/);
    expect(() => planAutoRun({ now: new Date(), tasks: [], dumpCycleDays: 14, runsPerCycle: 0 })).toThrow(/at least 1/);
  });
});
