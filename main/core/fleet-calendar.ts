/**
 * The fleet calendar (ConsoleApi `getFleetCalendar`): asks each online location's agent for its
 * calendar (`calendar:query`) within one deadline, takes the runs the replica still shows for the
 * others, and merges them into one row per location plus the overlaps across locations. A
 * location's answer is cached per range until that location's jobs or schedules change (or a minute
 * passes, since planned runs turn into past ones), so a repeated query only asks the locations that
 * changed.
 */
import type { CalendarRun } from '../../shared/schedule.js';
import {
  DEFAULT_RUN_ESTIMATE_MS,
  MAX_FLEET_CALENDAR_RUNS,
  MAX_WINDOW_RUN_KEYS,
  pastRunsOfJobs,
  type FleetCalendar,
  type FleetCalendarRow,
  type FleetCalendarRun,
  type OverlapWindow,
} from '../../shared/fleet-calendar.js';
import { STATUS_WORDS, type LocationView } from '../../shared/fleet.js';
import { fanOut } from './fan-out.js';
import type { ReplicaState } from './location-replica.js';

export interface LocationCalendar {
  readonly locationId: string;
  readonly location: string;
  readonly runs: readonly CalendarRun[];
}

function spanOf(run: CalendarRun, now: number): { start: number; end: number } {
  const start = Date.parse(run.start);
  if (run.end !== null) return { start, end: Math.max(start, Date.parse(run.end)) };
  const estimate = start + DEFAULT_RUN_ESTIMATE_MS;
  return { start, end: run.status === 'running' ? Math.max(estimate, now) : estimate };
}

/** How many of the sorted numbers are < x (lower bound). */
function countBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Runs of a set overlapping [start, end): those starting before `end` minus those ending at or before `start`. */
function overlapping(starts: readonly number[], ends: readonly number[], start: number, end: number): number {
  return countBelow(starts, end) - countBelow(ends, start + 1);
}

/** The locations' runs merged: keyed fleet-wide, with across-location counts and windows. */
export interface MergedRuns {
  /** Sorted by start, then location name, then run id. */
  readonly runs: FleetCalendarRun[];
  readonly across: OverlapWindow[];
  readonly withinCount: number;
  readonly truncated: boolean;
}

/** Merges the locations' calendars: runs keyed fleet-wide, across-location counts and windows. */
export function mergeFleetCalendar(parts: readonly LocationCalendar[], now: number): MergedRuns {
  const all: Array<{ run: FleetCalendarRun; start: number; end: number }> = [];
  const perLocation = new Map<string, { starts: number[]; ends: number[] }>();
  let withinPairs = 0;
  for (const part of parts) {
    const sets = { starts: [] as number[], ends: [] as number[] };
    perLocation.set(part.locationId, sets);
    for (const run of part.runs) {
      const span = spanOf(run, now);
      sets.starts.push(span.start);
      sets.ends.push(span.end);
      withinPairs += run.overlaps.length;
      all.push({ run: { ...run, key: `${part.locationId}/${run.id}`, locationId: part.locationId, location: part.location, acrossCount: 0 }, ...span });
    }
    sets.starts.sort((a, b) => a - b);
    sets.ends.sort((a, b) => a - b);
  }
  const starts = all.map((entry) => entry.start).sort((a, b) => a - b);
  const ends = all.map((entry) => entry.end).sort((a, b) => a - b);
  for (const entry of all) {
    if (entry.end <= entry.start) continue;
    const own = perLocation.get(entry.run.locationId) ?? { starts: [], ends: [] };
    entry.run.acrossCount = overlapping(starts, ends, entry.start, entry.end) - overlapping(own.starts, own.ends, entry.start, entry.end);
  }
  all.sort((a, b) => a.start - b.start || a.run.location.localeCompare(b.run.location) || a.run.id.localeCompare(b.run.id));
  const truncated = all.length > MAX_FLEET_CALENDAR_RUNS;
  const kept = truncated ? all.slice(0, MAX_FLEET_CALENDAR_RUNS) : all;
  return {
    runs: kept.map((entry) => entry.run),
    across: acrossWindows(kept),
    withinCount: withinPairs / 2,
    truncated,
  };
}

/** Sweeps the runs in time order: a window is open while runs of two or more locations go on at once. */
function acrossWindows(entries: ReadonlyArray<{ run: FleetCalendarRun; start: number; end: number }>): OverlapWindow[] {
  type Event = { at: number; delta: 1 | -1; run: FleetCalendarRun };
  const events: Event[] = [];
  for (const entry of entries) {
    if (entry.end <= entry.start) continue;
    events.push({ at: entry.start, delta: 1, run: entry.run }, { at: entry.end, delta: -1, run: entry.run });
  }
  // Ends before starts at the same instant: touching runs do not overlap.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  const activeByLocation = new Map<string, number>();
  let active = 0;
  const windows: OverlapWindow[] = [];
  let open: { start: number; locations: Set<string>; runs: Set<string>; peak: number } | null = null;
  const activeRuns = new Set<FleetCalendarRun>();
  for (const event of events) {
    const count = (activeByLocation.get(event.run.locationId) ?? 0) + event.delta;
    if (count === 0) activeByLocation.delete(event.run.locationId);
    else activeByLocation.set(event.run.locationId, count);
    active += event.delta;
    if (event.delta === 1) activeRuns.add(event.run);
    else activeRuns.delete(event.run);
    if (!open && activeByLocation.size >= 2) {
      open = { start: event.at, locations: new Set(), runs: new Set(), peak: 0 };
      for (const run of activeRuns) {
        open.locations.add(run.locationId);
        open.runs.add(run.key);
      }
    } else if (open && event.delta === 1) {
      open.locations.add(event.run.locationId);
      open.runs.add(event.run.key);
    }
    if (open) open.peak = Math.max(open.peak, active);
    if (open && activeByLocation.size < 2) {
      const keys = [...open.runs];
      windows.push({
        start: new Date(open.start).toISOString(),
        end: new Date(event.at).toISOString(),
        locationIds: [...open.locations].sort(),
        runs: keys.slice(0, MAX_WINDOW_RUN_KEYS),
        runCount: keys.length,
        peak: open.peak,
      });
      open = null;
    }
  }
  return windows;
}

export interface FleetCalendarSourceOptions {
  /** The locations to show, in any order. */
  readonly locations: () => readonly LocationView[];
  /** A location's replicated state (for the runs of a location whose agent does not answer). */
  readonly replica: (id: string) => ReplicaState | null;
  /** One location's calendar from its agent (throws a FloeError when it cannot answer). */
  readonly query: (id: string, range: { from: string; to: string }, timeoutMs: number) => Promise<readonly CalendarRun[]>;
  readonly clock: () => Date;
  /** How long a cached answer stays good without a change at its location (default 60 s). */
  readonly maxAgeMs?: number;
  /** The whole query ends after this long; agents that did not answer by then show their last known runs (default 5 s). */
  readonly timeoutMs?: number;
  /** Agents asked at once (default 16). */
  readonly concurrency?: number;
}

interface CachedAnswer {
  readonly revision: number;
  readonly at: number;
  readonly runs: readonly CalendarRun[];
}

const RANGES_PER_LOCATION = 4;

export class FleetCalendarSource {
  private readonly revisions = new Map<string, number>();
  private readonly cache = new Map<string, Map<string, CachedAnswer>>();
  /** Agent queries made (for tests: a repeated query asks only changed locations). */
  queries = 0;

  constructor(private readonly options: FleetCalendarSourceOptions) {}

  /** The location's jobs or schedules changed: its cached answers are no longer good. */
  invalidate(id: string): void {
    this.revisions.set(id, (this.revisions.get(id) ?? 0) + 1);
  }

  forget(id: string): void {
    this.revisions.delete(id);
    this.cache.delete(id);
  }

  async query(range: { from: string; to: string; locations?: readonly string[] }): Promise<FleetCalendar> {
    const wanted = range.locations ? new Set(range.locations) : null;
    const locations = this.options
      .locations()
      .filter((location) => !wanted || wanted.has(location.id))
      .sort((a, b) => a.name.localeCompare(b.name));
    const online = locations.filter((location) => location.status === 'online');
    const outcomes = await fanOut(online, (location, remaining) => this.answer(location.id, range, remaining), {
      deadlineMs: this.options.timeoutMs ?? 5000,
      concurrency: this.options.concurrency ?? 16,
    });
    const answers = new Map(online.map((location, index) => [location.id, outcomes[index]] as const));
    const from = new Date(range.from);
    const to = new Date(range.to);
    const rows = locations.map((location) => {
      const replica = this.options.replica(location.id);
      const answer = answers.get(location.id);
      if (answer?.ok) return { location, replica, runs: answer.value, source: 'agent' as const, reason: null };
      const reason = answer ? `the calendar could not be read: ${answer.reason}` : `${STATUS_WORDS[location.status]}: plans unknown until it is back`;
      return { location, replica, runs: pastRunsOfJobs(replica?.jobs, from, to), source: replica ? ('replica' as const) : ('none' as const), reason };
    });
    const merged = mergeFleetCalendar(
      rows.map((row) => ({ locationId: row.location.id, location: row.location.name, runs: row.runs })),
      this.options.clock().getTime(),
    );
    const byLocation = new Map<string, FleetCalendarRun[]>();
    for (const run of merged.runs) {
      const list = byLocation.get(run.locationId) ?? [];
      list.push(run);
      byLocation.set(run.locationId, list);
    }
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      locations: rows.map(({ location, replica, runs, source, reason }): FleetCalendarRow => {
        const kept = byLocation.get(location.id) ?? [];
        return {
          id: location.id,
          name: location.name,
          status: location.status,
          source,
          reason,
          backupDay: replica?.schedules.backupDay ?? null,
          runs: kept,
          truncated: kept.length < runs.length,
        };
      }),
      across: merged.across,
      withinCount: merged.withinCount,
      truncated: merged.truncated,
    };
  }

  private async answer(id: string, range: { from: string; to: string }, timeoutMs: number): Promise<readonly CalendarRun[]> {
    const key = `${range.from}|${range.to}`;
    const revision = this.revisions.get(id) ?? 0;
    const now = this.options.clock().getTime();
    const cached = this.cache.get(id)?.get(key);
    if (cached && cached.revision === revision && now - cached.at < (this.options.maxAgeMs ?? 60_000)) return cached.runs;
    this.queries += 1;
    const runs = await this.options.query(id, { from: range.from, to: range.to }, timeoutMs);
    const byRange = this.cache.get(id) ?? new Map<string, CachedAnswer>();
    byRange.delete(key);
    byRange.set(key, { revision, at: now, runs });
    while (byRange.size > RANGES_PER_LOCATION) byRange.delete(byRange.keys().next().value as string);
    this.cache.set(id, byRange);
    return runs;
  }
}
