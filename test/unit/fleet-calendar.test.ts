/** The fleet calendar merge: runs keyed fleet-wide, overlaps across locations counted exactly, windows swept. */
import { describe, expect, it } from 'vitest';
import { FleetCalendarSource, mergeFleetCalendar, type LocationCalendar } from '../../main/core/fleet-calendar.js';
import { fleetCalendarRunSchema, fleetCalendarSchema } from '../../shared/fleet-calendar.js';
import type { LocationView } from '../../shared/fleet.js';
import { FloeError } from '../../shared/errors.js';
import type { CalendarRun } from '../../shared/schedule.js';
import { seededRandom } from '../helpers/fuzz.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const FROM = '2026-11-29T00:00:00.000Z';
const TO = '2026-11-30T00:00:00.000Z';
const at = (hour: number, minute = 0): string => new Date(Date.UTC(2026, 10, 29, hour, minute)).toISOString();

function run(id: string, start: string, end: string | null, overrides: Partial<CalendarRun> = {}): CalendarRun {
  return { id, kind: 'planned', jobId: null, task: 'home', schedule: 'nightly', type: 'incr', status: 'planned', start, end, bytes: null, backupDay: '2026-11-29', drive: null, overlaps: [], ...overrides };
}

describe('mergeFleetCalendar', () => {
  it('keys runs by location, counts overlaps across locations and sweeps the windows; touching runs do not overlap', () => {
    const parts: LocationCalendar[] = [
      { locationId: A, location: 'alpha', runs: [run('r1', at(22), at(23)), run('r2', at(22, 30), at(23, 30), { overlaps: ['r1'] })] },
      { locationId: B, location: 'bravo', runs: [run('r1', at(22, 45), at(23, 15)), run('r3', at(23, 30), at(23, 45))] },
      { locationId: C, location: 'charlie', runs: [run('r9', at(2), null)] },
    ];
    parts[0]?.runs[0]?.overlaps.push('r2');
    const calendar = mergeFleetCalendar(parts, Date.parse(at(12)));
    expect(calendar.runs.map((r) => fleetCalendarRunSchema.parse(r))).toEqual(calendar.runs);
    expect(calendar.runs.map((r) => [r.key, r.acrossCount])).toEqual([
      [`${C}/r9`, 0],
      [`${A}/r1`, 1],
      [`${A}/r2`, 1],
      [`${B}/r1`, 2],
      [`${B}/r3`, 0], // starts as alpha's r2 ends
    ]);
    expect(calendar.withinCount).toBe(1);
    expect(calendar.across).toEqual([{ start: at(22, 45), end: at(23, 15), locationIds: [A, B], runs: [`${A}/r1`, `${A}/r2`, `${B}/r1`], runCount: 3, peak: 3 }]);
    expect(calendar.truncated).toBe(false);
  });

  it.each([11, 12, 13])('counts overlaps across locations like a pairwise check, for random runs (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const ids = [A, B, C];
    const parts: LocationCalendar[] = ids.map((id, index) => ({
      locationId: id,
      location: `site-${index}`,
      runs: Array.from({ length: 30 }, (_, n) => {
        const start = Date.parse(FROM) + Math.floor(random() * 96) * 15 * 60_000;
        const end = random() < 0.2 ? null : new Date(start + (1 + Math.floor(random() * 8)) * 15 * 60_000).toISOString();
        return run(`r${n}`, new Date(start).toISOString(), end);
      }),
    }));
    const calendar = mergeFleetCalendar(parts, Date.parse(FROM));
    const span = (r: CalendarRun) => [Date.parse(r.start), r.end === null ? Date.parse(r.start) + 3_600_000 : Date.parse(r.end)] as const;
    for (const merged of calendar.runs) {
      const [s, e] = span(merged);
      const expected = parts
        .filter((part) => part.locationId !== merged.locationId)
        .flatMap((part) => part.runs)
        .filter((other) => {
          const [os, oe] = span(other);
          return os < e && oe > s;
        }).length;
      expect(merged.acrossCount, merged.key).toBe(expected);
    }
    // Every run that overlaps one at another location lies in some window.
    for (const merged of calendar.runs.filter((r) => r.acrossCount > 0)) {
      expect(calendar.across.some((window) => window.runs.includes(merged.key))).toBe(true);
    }
  });
});

describe('FleetCalendarSource', () => {
  it('asks only the locations whose calendar changed; an agent that cannot answer is listed, not fatal', async () => {
    const asked: string[] = [];
    let now = Date.parse(at(12));
    const online = (id: string, name: string) => ({ id, name, status: 'online' }) as unknown as LocationView;
    const source = new FleetCalendarSource({
      locations: () => [online(A, 'alpha'), online(B, 'bravo'), online(C, 'charlie')],
      replica: () => null,
      query: async (id) => {
        asked.push(id);
        if (id === C) throw new FloeError('UNREACHABLE', 'charlie is not connected');
        return [run('r1', at(22), at(23))];
      },
      clock: () => new Date(now),
    });
    const first = await source.query({ from: FROM, to: TO });
    expect(fleetCalendarSchema.parse(first)).toEqual(first);
    expect(first.locations.flatMap((row) => row.runs.map((r) => r.key))).toEqual([`${A}/r1`, `${B}/r1`]);
    expect(first.locations.map((row) => [row.name, row.source, row.reason])).toEqual([
      ['alpha', 'agent', null],
      ['bravo', 'agent', null],
      ['charlie', 'none', 'the calendar could not be read: charlie is not connected'],
    ]);
    expect(first.across).toHaveLength(1);
    expect(asked.sort()).toEqual([A, B, C]);
    asked.length = 0;
    source.invalidate(B);
    await source.query({ from: FROM, to: TO });
    expect(asked.sort()).toEqual([B, C]);
    asked.length = 0;
    await source.query({ from: FROM, to: TO, locations: [A] });
    expect(asked).toEqual([]);
    now += 61_000; // planned runs turn into past ones: a minute-old answer is asked again
    await source.query({ from: FROM, to: TO, locations: [A] });
    expect(asked).toEqual([A]);
  });
});
