/**
 * The fleet calendar (ConsoleApi `getFleetCalendar`): each online location's own calendar (past
 * runs by status, planned and missed runs, overlaps marked by the agent) for one range, asked of
 * all agents at once within a bounded time; for the others, the runs their replica still shows.
 */
import { MAX_FLEET_CALENDAR_RUNS, pastRunsOfJobs, type FleetCalendar, type FleetCalendarRow } from '../../shared/fleet-calendar.js';
import { STATUS_WORDS, type LocationView } from '../../shared/fleet.js';
import type { CalendarRun } from '../../shared/schedule.js';
import { fanOut } from './fan-out.js';
import type { ReplicaState } from './location-replica.js';

export interface FleetCalendarSources {
  locations(): readonly LocationView[];
  replica(id: string): ReplicaState | null;
  calendar(id: string, range: { from: string; to: string }, timeoutMs: number): Promise<CalendarRun[]>;
}

export function createFleetCalendar(sources: FleetCalendarSources, options: { timeoutMs?: number } = {}) {
  return async function fleetCalendar(range: { from: string; to: string }): Promise<FleetCalendar> {
    const locations = [...sources.locations()].sort((a, b) => a.name.localeCompare(b.name));
    const online = locations.filter((location) => location.status === 'online');
    const outcomes = await fanOut(online, (location, remaining) => sources.calendar(location.id, range, remaining), { deadlineMs: options.timeoutMs ?? 5000 });
    const answers = new Map(online.map((location, index) => [location.id, outcomes[index]] as const));
    const from = new Date(range.from);
    const to = new Date(range.to);
    const rows = locations.map((location): FleetCalendarRow => {
      const replica = sources.replica(location.id);
      const answer = answers.get(location.id);
      const base = { id: location.id, name: location.name, status: location.status, backupDay: replica?.schedules.backupDay ?? null };
      let runs: CalendarRun[];
      let source: FleetCalendarRow['source'];
      let reason: string | null = null;
      if (answer?.ok) {
        runs = answer.value;
        source = 'agent';
      } else {
        runs = pastRunsOfJobs(replica?.jobs, from, to);
        source = replica ? 'replica' : 'none';
        reason = answer ? `the calendar could not be read: ${answer.reason}` : `${STATUS_WORDS[location.status]}: plans unknown until it is back`;
      }
      runs = [...runs].sort((a, b) => a.start.localeCompare(b.start));
      return { ...base, source, reason, runs: runs.slice(0, MAX_FLEET_CALENDAR_RUNS), truncated: runs.length > MAX_FLEET_CALENDAR_RUNS };
    });
    return { from: from.toISOString(), to: to.toISOString(), locations: rows };
  };
}
