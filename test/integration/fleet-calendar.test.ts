/** The fleet calendar and summary over several real agents: planned runs merged, overlaps within and across locations. */
import type { FleetCalendar } from '../../shared/fleet-calendar.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsoleCore } from '../../main/core/console-core.js';
import { initAgent, startInProcess, tempDir, waitFor } from '../helpers/agents.js';
import { call, connectAdmin, prepareLibrary } from '../helpers/engine.js';
import { followTopic } from '../helpers/topic-replica.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function location(name: string, schedules: number) {
  const init = await initAgent(name);
  const agent = await startInProcess(init);
  const admin = await connectAdmin(init, agent.port);
  cleanups.push(async () => {
    admin.close();
    await agent.close();
  });
  await prepareLibrary(admin, { labelled: 2 });
  const source = join(tempDir('calendar'), 'source');
  mkdirSync(source);
  writeFileSync(join(source, 'a.txt'), 'a\n');
  for (let n = 0; n < schedules; n += 1) {
    await call(admin, 'task:add', { name: `task${n}`, sources: [source], pool: 'DAILY', hooks: false });
    await call(admin, 'schedule:add', { name: `nightly${n}`, cron: '0 22 * * *', timezone: 'UTC', tasks: [`task${n}`], type: 'full' });
  }
  return { init, agent };
}

/** Every location's runs; rows come by name, each row's runs by start. */
const allRuns = (calendar: FleetCalendar) => calendar.locations.flatMap((row) => row.runs);

describe('fleet calendar over real agents', () => {
  it('merges planned runs of every location, with overlaps on one drive within a location and runs of several locations at once', async () => {
    const console = createConsoleCore({ configDir: tempDir('console'), backoff: { minMs: 50, maxMs: 200, jitter: 0.5 }, pushIntervalMs: 10 });
    cleanups.push(() => console.dispose());
    const summary = followTopic(console.service, 'summary');
    cleanups.push(summary.stop);
    const berlin = await location('hq-berlin', 2);
    const lyon = await location('branch-lyon', 1);
    const ids: string[] = [];
    for (const [name, site] of [['hq-berlin', berlin], ['branch-lyon', lyon]] as const) {
      ids.push((await console.service.addLocation({ name, host: '127.0.0.1', port: site.agent.port, token: site.init.token, fingerprint: site.init.fingerprint })).id);
    }
    await waitFor('both online', () => ids.every((id) => console.fleet.location(id)?.status === 'online'));
    const [berlinId, lyonId] = ids as [string, string];

    const tomorrow = new Date(Date.now() + 86_400_000);
    const from = new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate())).toISOString();
    const to = new Date(Date.parse(from) + 86_400_000).toISOString();
    const calendar = await console.service.getFleetCalendar({ from, to });
    const at22 = allRuns(calendar).filter((run) => run.start.endsWith('T22:00:00.000Z'));
    expect(at22.map((run) => [run.location, run.task, run.kind])).toEqual([
      ['branch-lyon', 'task0', 'planned'],
      ['hq-berlin', 'task0', 'planned'],
      ['hq-berlin', 'task1', 'planned'],
    ]);
    // Berlin's two runs need drive 0 of lib1 at once (from its agent); each run overlaps the other location's runs.
    const berlinRuns = at22.filter((run) => run.locationId === berlinId);
    expect(berlinRuns.every((run) => run.overlaps.length === 1)).toBe(true);
    expect(calendar.withinCount).toBe(1);
    expect(at22.map((run) => run.acrossCount)).toEqual([2, 1, 1]);
    expect(calendar.across).toEqual([expect.objectContaining({ start: at22[0]?.start, locationIds: [berlinId, lyonId].sort(), runCount: 3, peak: 3 })]);
    expect(calendar.locations.map((row) => [row.name, row.source])).toEqual([
      ['branch-lyon', 'agent'],
      ['hq-berlin', 'agent'],
    ]);

    // A second query asks no agent again until a location's jobs or schedules change.
    const asked = console.calendar.queries;
    await console.service.getFleetCalendar({ from, to });
    expect(console.calendar.queries).toBe(asked);
    const admin = await connectAdmin(lyon.init, lyon.agent.port);
    cleanups.push(() => void admin.close());
    await call(admin, 'schedule:remove', { name: 'nightly0' });
    await expect.poll(async () => allRuns(await console.service.getFleetCalendar({ from, to })).filter((run) => run.locationId === lyonId && run.kind === 'planned')).toEqual([]);
    expect(console.calendar.queries).toBe(asked + 1);

    // The pushed summary adds both locations up.
    await expect.poll(() => summary.value()?.totals).toMatchObject({ locations: 2, drives: 4, media: expect.objectContaining({ scratch: 4 }) });
    expect(summary.value()?.licenses).toEqual({ trial: 2 });
  });
});
