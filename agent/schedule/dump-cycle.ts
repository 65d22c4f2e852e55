/**
 * Amanda-style automatic planning for `type: auto` schedules: at each run, decide full or
 * incremental per task so that every task gets a full at least once per dump cycle and fulls are
 * spread over the cycle's runs instead of all falling on one.
 *
 * The rule, stateless (it reads only each task's last full):
 * 1. Forced: a task with no full, or whose cycle would be exceeded if it waited for the next run
 *    (less JITTER_MS of slack for late starts), gets a full now.
 * 2. Levelled: a balanced run carries L = (total weight) / runsPerCycle of fulls, weight being the
 *    estimated full size (or 1 per task; then L is rounded up, since a run carries whole tasks).
 *    Looking at the runs of the coming cycle, the fulls due by run k (C_k, cumulative) must fit in
 *    what this run does plus k balanced runs: so this run does x = max_k (C_k - k·L). Tasks are
 *    promoted in order of their due date while that brings the run's load closer to x.
 * After a fresh start (every task without a full) the first run is all fulls; the levelling then
 * pulls the next fulls forward so that within one cycle they settle to about L per run.
 */
import { FloeError } from '../../shared/errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Slack for runs that start a little late: a full due within this much of the next run is done now. */
export const JITTER_MS = 15 * 60 * 1000;

export interface AutoTask {
  readonly name: string;
  readonly lastFullAt: Date | null;
  /** Estimated size of a full, in bytes; fulls are balanced by size when every task has one. */
  readonly fullSizeEstimate?: number;
}

export interface AutoRunInput {
  readonly now: Date;
  readonly tasks: readonly AutoTask[];
  readonly dumpCycleDays: number;
  readonly runsPerCycle: number;
  /**
   * The schedule's fire times after `now`, at least through one cycle (the scheduler takes them
   * from the cron expression). Without them, runs are assumed evenly spaced: cycle / runsPerCycle.
   */
  readonly upcomingRuns?: readonly Date[];
}

export type AutoLevel = 'full' | 'incr';
export interface AutoDecision {
  readonly level: AutoLevel;
  /** Why, in words, for the job protocol and the job log. */
  readonly reason: string;
}

interface Item {
  readonly task: AutoTask;
  readonly weight: number;
  /** Last instant a full may run to keep the cycle; -Infinity when there is no full. */
  readonly deadline: number;
}

function weights(tasks: readonly AutoTask[]): { weightOf: (task: AutoTask) => number; unit: 'bytes' | 'tasks' } {
  const sized = (task: AutoTask): boolean => typeof task.fullSizeEstimate === 'number' && Number.isFinite(task.fullSizeEstimate) && task.fullSizeEstimate > 0;
  const known = tasks.filter(sized);
  if (known.length === 0) return { weightOf: () => 1, unit: 'tasks' };
  const average = known.reduce((sum, task) => sum + (task.fullSizeEstimate ?? 0), 0) / known.length;
  return { weightOf: (task) => (sized(task) ? (task.fullSizeEstimate ?? average) : average), unit: 'bytes' };
}

function runTimes(input: AutoRunInput, cycleMs: number): number[] {
  const now = input.now.getTime();
  const horizon = now + cycleMs;
  const given = (input.upcomingRuns ?? []).map((run) => run.getTime()).filter((ms) => ms > now).sort((a, b) => a - b);
  const covered = given.some((ms) => ms > horizon);
  if (given.length > 0 && covered) return given.slice(0, given.findIndex((ms) => ms > horizon) + 1);
  const spacing = cycleMs / input.runsPerCycle;
  const times = [...given];
  let at = times[times.length - 1] ?? now;
  while (at <= horizon) {
    at += spacing;
    times.push(at);
  }
  return times;
}

const day = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const days = (ms: number): string => (ms / DAY_MS).toFixed(1);

export function planAutoRun(input: AutoRunInput): Map<string, AutoDecision> {
  if (!Number.isInteger(input.dumpCycleDays) || input.dumpCycleDays < 1 || !Number.isInteger(input.runsPerCycle) || input.runsPerCycle < 1) {
    throw new FloeError('BAD_REQUEST', `dump cycle ${input.dumpCycleDays} days with ${input.runsPerCycle} runs is not valid; both must be whole numbers of at least 1`);
  }
  const now = input.now.getTime();
  const cycleMs = input.dumpCycleDays * DAY_MS;
  const runs = runTimes(input, cycleMs);
  const next = runs[0] ?? now + cycleMs / input.runsPerCycle;
  const { weightOf, unit } = weights(input.tasks);
  const items: Item[] = input.tasks.map((task) => ({
    task,
    weight: weightOf(task),
    deadline: task.lastFullAt === null ? -Infinity : task.lastFullAt.getTime() + cycleMs,
  }));
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const balanced = unit === 'tasks' ? Math.ceil(total / input.runsPerCycle) : total / input.runsPerCycle;
  const mustBeDoneBefore = (item: Item, at: number): boolean => item.deadline - JITTER_MS < at;

  const forced = items.filter((item) => mustBeDoneBefore(item, next));
  // Cumulative fulls due by run k (k = 0 is this run) against k balanced runs after this one.
  let required = forced.reduce((sum, item) => sum + item.weight, 0);
  for (let k = 1; k < runs.length; k += 1) {
    const after = runs[k] ?? Infinity;
    const due = items.filter((item) => mustBeDoneBefore(item, after)).reduce((sum, item) => sum + item.weight, 0);
    required = Math.max(required, due - k * balanced);
  }

  const decisions = new Map<string, AutoDecision>();
  let load = 0;
  for (const item of forced) {
    load += item.weight;
    const { lastFullAt } = item.task;
    decisions.set(
      item.task.name,
      lastFullAt === null
        ? { level: 'full', reason: 'full: no full backup on record for this task' }
        : {
            level: 'full',
            reason: `full: last full ${day(lastFullAt.getTime())} (${days(now - lastFullAt.getTime())} days ago); waiting for the next run (${day(next)}) would break the ${input.dumpCycleDays}-day dump cycle`,
          },
    );
  }
  const candidates = items.filter((item) => !decisions.has(item.task.name)).sort((a, b) => a.deadline - b.deadline || b.weight - a.weight || (a.task.name < b.task.name ? -1 : 1));
  const epsilon = total * 1e-9;
  const amount = (value: number): string => (unit === 'tasks' ? `${value.toFixed(1)} task(s)` : `${Math.round(value)} bytes`);
  for (const item of candidates) {
    if (load + item.weight / 2 <= required + epsilon) {
      load += item.weight;
      decisions.set(item.task.name, {
        level: 'full',
        reason: `full: promoted ahead of its due date (${day(item.deadline)}) to spread fulls over the cycle; this run needs ${amount(required)} of fulls, a balanced run ${amount(balanced)}`,
      });
    } else {
      decisions.set(item.task.name, {
        level: 'incr',
        reason: `incr: last full ${day(item.deadline - cycleMs)} (${days(now - (item.deadline - cycleMs))} days ago); a full is due by ${day(item.deadline)}`,
      });
    }
  }
  // Keep the caller's task order.
  return new Map(input.tasks.map((task) => [task.name, decisions.get(task.name) ?? { level: 'full', reason: 'full: not planned' }]));
}
