/**
 * The fleet summary kept incrementally equals a recount from scratch after random sequences of
 * changes (locations added and removed, links up and down, snapshots and deltas), seeded.
 */
import { describe, expect, it } from 'vitest';
import { FleetAggregates } from '../../main/core/fleet-aggregates.js';
import { summarizeFleet } from '../../main/core/fleet-summary.js';
import { FleetState } from '../../main/core/fleet-state.js';
import { LocationReplica } from '../../main/core/location-replica.js';
import type { Registration } from '../../main/core/registry.js';
import type { Delta, Snapshot } from '../../shared/protocol/catalog.js';
import type { Drive, Media } from '../../shared/devices.js';
import type { Job, JobState } from '../../shared/engine.js';
import type { LicenseStatus } from '../../shared/license.js';
import type { SchedulesState } from '../../shared/schedule.js';
import { seededRandom } from '../helpers/fuzz.js';
import { job, license, media } from '../helpers/renderer-fake.js';

const JOB_STATES: JobState[] = ['queued', 'waiting-media', 'running', 'successful', 'warning', 'error', 'cancelled'];
const MEDIA_STATES: Media['state'][] = ['scratch', 'append', 'full', 'expired', 'error'];
const LICENSES: LicenseStatus['status'][] = ['trial', 'valid', 'expiring', 'expired', 'invalid'];
const DAYS = ['2026-11-27', '2026-11-28', '2026-11-29'];

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function world(seed: number, progressChoices: readonly number[] = [5, 6]) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (n: number): number => Math.floor(random() * n);
  const fleet = new FleetState();
  const replicas = new Map<string, LocationReplica>();
  const aggregates = new FleetAggregates();
  const stale = new Set<string>();
  fleet.onLocationChange((id) => stale.add(id));
  const settle = (): void => {
    for (const id of stale) {
      const location = fleet.location(id);
      if (location) aggregates.set(location, replicas.get(id)?.state ?? null);
      else aggregates.remove(id);
    }
    stale.clear();
  };
  const randomJob = (): Job => job({ id: `job-${int(40)}`, state: pick(JOB_STATES), backupDay: pick(DAYS), kind: pick(['backup', 'restore', 'verify'] as const) });
  const randomMedia = (label: string): Media => media(label, null, { state: pick(MEDIA_STATES), capacity: 1000 * (1 + int(5)), used: 100 * int(10) });
  const randomDrive = (number: number): Drive => ({ loader: 'lib1', number, kind: 'virtual', device: `/vtl/${number}`, state: 'idle', barcode: null, media: null, job: random() < 0.5 ? `job-${int(40)}` : null, progress: null, detail: null });
  const schedules = (backupDay: string): SchedulesState => ({ schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay, lastCheck: null });
  const snapshot = (): Snapshot =>
    ({
      seq: int(5),
      epoch: 'e1',
      takenAt: '2026-11-29T10:00:00.000Z',
      startedAt: '2026-11-29T09:00:00.000Z',
      identity: { name: 'x', version: '0.1.0', host: 'h', fingerprint: 'SHA256:AA', agentId: 'a' },
      devices: { loaders: [], drives: Array.from({ length: int(4) }, (_, n) => randomDrive(n)), media: Array.from({ length: int(6) }, (_, n) => randomMedia(`DAILY0000${n}`)), pools: [] },
      license: license(pick(LICENSES), int(60)),
      jobs: { active: [], recent: [] },
      schedules: schedules(pick(DAYS)),
    }) as unknown as Snapshot;
  const delta = (replica: LocationReplica): Delta => {
    const seq = (replica.state?.seq ?? 0) + 1;
    const at = '2026-11-29T10:00:00.000Z';
    switch (int(5)) {
      case 0:
        return { seq, at, change: { domain: 'devices', change: { kind: 'media', media: randomMedia(`DAILY0000${int(8)}`) } } };
      case 1:
        return { seq, at, change: { domain: 'devices', change: { kind: 'drive', drive: randomDrive(int(4)) } } };
      case 2:
        return { seq, at, change: { domain: 'license', change: { status: license(pick(LICENSES), int(60)) } } };
      case 3:
        return { seq, at, change: { domain: 'schedules', change: { state: schedules(pick(DAYS)), newDay: true, check: null } } };
      default:
        return { seq, at, change: { domain: 'jobs', change: { job: randomJob() } } };
    }
  };
  const progressOf = (replica: LocationReplica, running: Job): Delta => ({
    seq: (replica.state?.seq ?? 0) + 1,
    at: '2026-11-29T10:00:00.000Z',
    change: { domain: 'jobs', change: { job: { ...running, bytes: running.bytes + 1 + int(1000), files: running.files + 1 } } },
  });
  const hello = { protocol: 1, identity: { name: 'x', version: '0.1.0', host: 'h', fingerprint: 'SHA256:AA', agentId: 'a' }, role: 'admin' as const, now: '2026-11-29T10:00:00.000Z' };
  const step = (): string => {
    const ids = [...replicas.keys()];
    const id = ids.length > 0 ? pick(ids) : undefined;
    const choice = int(10);
    if (!id || (choice === 0 && ids.length < 12)) {
      const registration: Registration = { id: uuid(random), name: `site-${int(1000)}`, host: '127.0.0.1', port: 7443, fingerprint: 'SHA256:AA', addedAt: '2026-11-29T09:00:00.000Z' };
      replicas.set(registration.id, new LocationReplica());
      fleet.add(registration);
      return 'add';
    }
    const replica = replicas.get(id) as LocationReplica;
    const changed = (): void => {
      stale.add(id);
    };
    if (choice === 1 && ids.length > 1) {
      replicas.delete(id);
      fleet.remove(id);
      return 'remove';
    }
    if (choice === 2) {
      fleet.apply(id, random() < 0.5 ? { type: 'online', at: '2026-11-29T10:00:00.000Z', hello } : { type: 'lost', at: '2026-11-29T10:01:00.000Z', detail: 'cut' });
      return 'link';
    }
    if (choice === 3 || !replica.state) {
      replica.applySnapshot(snapshot());
      changed();
      return 'snapshot';
    }
    if (choice === 4) {
      replica.reset();
      changed();
      return 'reset';
    }
    // As the console does: a running job's progress patches the summary in place when it can.
    const running = replica.state.jobs.active.filter((candidate) => candidate.state === 'running');
    const next = progressChoices.includes(choice) && running.length > 0 ? progressOf(replica, pick(running)) : delta(replica);
    const before = replica.state;
    if (replica.applyDelta(next) !== 'applied') return 'delta';
    if (next.change.domain === 'jobs' && !stale.has(id) && aggregates.jobProgress(id, before, replica.state, next.change.change.job)) return 'progress';
    changed();
    return 'delta';
  };
  const scratch = () => summarizeFleet(fleet.view(), (id) => replicas.get(id)?.state ?? null);
  const incremental = () => {
    settle();
    return aggregates.summary(fleet.order());
  };
  return { random, step, scratch, incremental };
}

describe('incremental fleet aggregates', () => {
  it.each([1, 7, 42, 2026, 31337, 65_521])('equal a recount from scratch after every settle of a random change sequence (seed %i)', (seed) => {
    const { random, step, scratch, incremental } = world(seed);
    const kinds = new Set<string>();
    for (let i = 0; i < 600; i += 1) {
      kinds.add(step());
      // The console settles lazily, when a push or a call reads the summary: not after every change.
      if (random() < 0.3) expect(incremental(), `seed ${seed} step ${i}`).toEqual(scratch());
    }
    expect(incremental()).toEqual(scratch());
    expect([...kinds].filter((kind) => kind !== 'progress').sort()).toEqual(['add', 'delta', 'link', 'remove', 'reset', 'snapshot']);
  });

  it('a running job\'s progress patched in place equals a recount (settled after every change)', () => {
    let progress = 0;
    for (const seed of [3, 11, 99]) {
      const { step, scratch, incremental } = world(seed, [5, 6, 7, 8]);
      for (let i = 0; i < 600; i += 1) {
        if (step() === 'progress') progress += 1;
        expect(incremental(), `seed ${seed} step ${i}`).toEqual(scratch());
      }
    }
    expect(progress).toBeGreaterThan(30);
  });

  it('progress of the first of two running jobs keeps it first among the running jobs, as a recount does', () => {
    const location = { id: '00000000-0000-4000-8000-000000000002', name: 'x', host: 'h', port: 1, fingerprint: 'SHA256:AA', status: 'online' as const, detail: null, lastSeen: null, agent: null };
    const replica = new LocationReplica();
    const first = job({ id: 'a', state: 'running' });
    replica.applySnapshot({ seq: 1, devices: { loaders: [], drives: [], media: [], pools: [] }, license: license('valid', 30), jobs: { active: [first, job({ id: 'b', state: 'running' })], recent: [] }, schedules: { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay: '2026-11-29', lastCheck: null } } as unknown as Snapshot);
    const patched = new FleetAggregates();
    patched.set(location, replica.state);
    const before = replica.state;
    const progressed = { ...first, bytes: first.bytes + 10 };
    expect(replica.applyDelta({ seq: 2, at: '2026-11-29T10:00:00.000Z', change: { domain: 'jobs', change: { job: progressed } } })).toBe('applied');
    expect(patched.jobProgress(location.id, before, replica.state, progressed)).toBe(true);
    const recounted = new FleetAggregates();
    recounted.set(location, replica.state);
    expect(patched.summary([location.id])).toEqual(recounted.summary([location.id]));
    expect(patched.summary([location.id]).running.map((running) => running.id)).toEqual(['a', 'b']);
  });

  it('totals add up over the locations and nothing is left behind when every location is removed', () => {
    const { step, scratch, incremental } = world(5);
    for (let i = 0; i < 200; i += 1) step();
    const summary = incremental();
    expect(summary.totals.locations).toBe(summary.locations.length);
    expect(summary.totals.drives).toBe(summary.locations.reduce((sum, location) => sum + location.drives, 0));
    expect(summary.totals.media.full).toBe(summary.locations.reduce((sum, location) => sum + location.media.full, 0));
    expect(summary).toEqual(scratch());
    const aggregates = new FleetAggregates();
    const location = { id: '00000000-0000-4000-8000-000000000001', name: 'x', host: 'h', port: 1, fingerprint: 'SHA256:AA', status: 'online' as const, detail: null, lastSeen: null, agent: null };
    aggregates.set(location, null);
    aggregates.remove(location.id);
    expect(aggregates.summary([location.id])).toEqual({ locations: [], jobsByState: {}, running: [], licenses: {}, totals: expect.objectContaining({ locations: 0, drives: 0, capacity: 0 }) });
  });
});
