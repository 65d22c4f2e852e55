/**
 * Versioned, coalesced topics: a follower rebuilds exactly what main publishes from the patches; a
 * job's progress costs a patch of that job's changed fields only; pushes stay at about 10 a second.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublishedCollection, PublishedTopic, type CollectionPush } from '../../main/core/topic-publisher.js';
import { LocationReplica } from '../../main/core/location-replica.js';
import type { LocationDetail, LocationsPush } from '../../shared/console-api.js';
import { locationsPushSchema } from '../../shared/console-api.js';
import type { Snapshot } from '../../shared/protocol/catalog.js';
import { TopicFollower, type VersionedPush } from '../../shared/topic-patch.js';
import { versionedPushSchema } from '../../shared/topic-patch-schema.js';
import { createStore } from '../../renderer/src/store/store.js';
import { seededRandom } from '../helpers/fuzz.js';
import { job, license, media } from '../helpers/renderer-fake.js';

afterEach(() => vi.useRealTimers());

const ID = '00000000-0000-4000-8000-0000000000a1';
const overJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function replicaWithRunningJob() {
  const replica = new LocationReplica();
  const running = job({ id: 'job-7', state: 'running', bytes: 1000, rate: 10, currentFile: '/home/a', endedAt: null });
  replica.applySnapshot({
    seq: 1,
    epoch: 'e1',
    takenAt: '2026-11-29T10:00:00.000Z',
    startedAt: '2026-11-29T09:00:00.000Z',
    identity: { name: 'hq', version: '0.1.0', host: 'h', fingerprint: 'SHA256:AA', agentId: 'a' },
    devices: { loaders: [], drives: [], media: Array.from({ length: 300 }, (_, n) => media(`DAILY${String(n).padStart(5, '0')}`, null)), pools: [] },
    license: license('valid', 200),
    jobs: { active: [job({ id: 'job-6', state: 'queued' }), running], recent: Array.from({ length: 50 }, (_, n) => job({ id: `done-${n}` })) },
    schedules: { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay: '2026-11-29', lastCheck: null },
  } as unknown as Snapshot);
  const detail = (): LocationDetail => {
    const state = replica.state;
    return { id: ID, seq: state?.seq ?? null, devices: state?.devices ?? null, license: state?.license ?? null, jobs: state?.jobs ?? null, schedules: state?.schedules ?? null };
  };
  return { replica, running, detail };
}

describe('PublishedCollection (the location topic)', () => {
  it('after one progress change of a running job pushes only that job’s changed fields, and the store rebuilds the detail', () => {
    vi.useFakeTimers();
    const { replica, running, detail } = replicaWithRunningJob();
    const topic = new PublishedCollection(detail, 100);
    const pushes: CollectionPush[] = [];
    topic.subscribe((push) => pushes.push(overJson(push)));
    const store = createStore();
    const first = topic.current(ID);
    // A member read for the first time goes to its reader only: it is not pushed a second time.
    vi.advanceTimersByTime(100);
    expect(pushes).toEqual([]);
    store.getState().locationDetailFetched(overJson({ ...first.value, version: first.version }));

    replica.applyDelta({ seq: 2, at: '2026-11-29T10:00:01.000Z', change: { domain: 'jobs', change: { job: { ...running, bytes: 5000, rate: 40, currentFile: '/home/b' } } } });
    topic.changed(ID);
    vi.advanceTimersByTime(100);

    expect(pushes).toEqual([
      {
        locations: [{ id: ID, version: first.version + 1, base: first.version, patch: { o: { seq: { r: 2 }, jobs: { o: { active: { k: { 'job-7': { o: { bytes: { r: 5000 }, rate: { r: 40 }, currentFile: { r: '/home/b' } } } } } } } } } }],
        removed: [],
      },
    ]);
    expect(locationsPushSchema.parse(pushes[0])).toEqual(pushes[0]);
    expect(JSON.stringify(pushes[0]).length).toBeLessThan(300);
    expect(JSON.stringify(detail()).length).toBeGreaterThan(50_000);
    expect(store.getState().locationsPushed(pushes[0] as LocationsPush)).toEqual([]);
    expect(createStore().getState().locationsPushed(pushes[0] as LocationsPush)).toEqual([ID]); // a renderer that never read it sees a gap and reads it then
    expect(store.getState().details.get(ID)).toEqual(detail());
    expect(store.getState().detailVersions.get(ID)).toBe(first.version + 1);
  });

  it('coalesces: many changes within the interval make one push, at most one per interval', () => {
    vi.useFakeTimers();
    const { replica, running, detail } = replicaWithRunningJob();
    const topic = new PublishedCollection(detail, 100);
    const pushes: CollectionPush[] = [];
    topic.subscribe((push) => pushes.push(push));
    for (let i = 0; i < 50; i += 1) {
      replica.applyDelta({ seq: 2 + i, at: '2026-11-29T10:00:01.000Z', change: { domain: 'jobs', change: { job: { ...running, bytes: 2000 + i } } } });
      topic.changed(ID);
      vi.advanceTimersByTime(10);
    }
    vi.advanceTimersByTime(200);
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    expect(pushes.length).toBeLessThanOrEqual(7);
  });

  it('a member the store has not fetched, or a missed version, is a gap: the store names it for a fetch', () => {
    const { detail } = replicaWithRunningJob();
    const store = createStore();
    const patch = { locations: [{ id: ID, version: 5, base: 4, patch: { o: { seq: { r: 9 } } } }], removed: [] };
    expect(store.getState().locationsPushed(patch)).toEqual([ID]);
    store.getState().locationDetailFetched({ ...detail(), version: 3 });
    expect(store.getState().locationsPushed(patch)).toEqual([ID]);
    store.getState().locationDetailFetched({ ...detail(), version: 4 });
    expect(store.getState().locationsPushed(patch)).toEqual([]);
    expect(store.getState().details.get(ID)?.seq).toBe(9);
    store.getState().locationDetailFetched({ ...detail(), version: 4 }); // an older answer does not win
    expect(store.getState().details.get(ID)?.seq).toBe(9);
    expect(store.getState().locationsPushed({ locations: [], removed: [ID] })).toEqual([]);
    expect(store.getState().details.has(ID)).toBe(false);
  });
});

describe('PublishedTopic (fleet, alarms, summary)', () => {
  it.each([3, 17, 2026])('a follower rebuilds exactly the value main holds after random changes, over JSON (seed %i)', (seed) => {
    vi.useFakeTimers();
    const random = seededRandom(seed);
    let value = { locations: [] as Array<{ id: string; name: string; status: string; lastSeen: string | null }> };
    const topic = new PublishedTopic(() => value, 100);
    const follower = new TopicFollower<typeof value>();
    const pushes: VersionedPush[] = [];
    topic.subscribe((push) => {
      pushes.push(overJson(push));
      expect(follower.follow(versionedPushSchema.parse(overJson(push)))).toBe('applied');
    });
    for (let step = 0; step < 400; step += 1) {
      const locations = [...value.locations];
      const index = Math.floor(random() * (locations.length + 1));
      const choice = Math.floor(random() * 4);
      if (choice === 0 || locations.length === 0) locations.splice(index, 0, { id: `loc-${step}`, name: `site-${Math.floor(random() * 100)}`, status: 'connecting', lastSeen: null });
      else if (choice === 1) locations.splice(index % locations.length, 1);
      else {
        const at = index % locations.length;
        locations[at] = { ...(locations[at] as (typeof locations)[number]), status: random() < 0.5 ? 'online' : 'offline', lastSeen: `2026-11-29T10:${String(step % 60).padStart(2, '0')}:00.000Z` };
      }
      value = { locations: locations.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)) };
      topic.changed();
      vi.advanceTimersByTime(Math.floor(random() * 150));
      if (random() < 0.2) {
        const whole = topic.snapshot(); // publishes what is pending to the follower first
        expect(follower.value).toEqual((whole.patch as { r: unknown }).r);
        expect(follower.version).toBe(whole.version);
      }
    }
    vi.advanceTimersByTime(200);
    expect(follower.value).toEqual(value);
    expect(pushes[0]?.base).toBeNull();
    expect(pushes.slice(1).every((push) => push.base === push.version - 1)).toBe(true);
  });

  it('a slow change goes out at most once per slow interval, or at once with the next ordinary change', () => {
    vi.useFakeTimers();
    let value = { n: 0, progress: 0 };
    const topic = new PublishedTopic(() => value, 100, { slowIntervalMs: 1000 });
    const pushes: VersionedPush[] = [];
    topic.subscribe((push) => pushes.push(push));
    // Progress every 100 ms for 2 s: the first goes out at once, then one a second with the newest value.
    for (let step = 1; step <= 20; step += 1) {
      value = { ...value, progress: step };
      topic.changedSlowly();
      vi.advanceTimersByTime(100);
    }
    expect(pushes.slice(1).map((push) => push.patch)).toEqual([{ o: { progress: { r: 1 } } }, { o: { progress: { r: 10 } } }, { o: { progress: { r: 20 } } }]);
    // An ordinary change takes the pending progress with it at the ordinary pace; the slow timer then finds nothing new.
    value = { ...value, progress: 21 };
    topic.changedSlowly();
    value = { ...value, n: 1 };
    topic.changed();
    vi.advanceTimersByTime(100);
    expect(pushes.at(-1)?.patch).toEqual({ o: { n: { r: 1 }, progress: { r: 21 } } });
    const count = pushes.length;
    vi.advanceTimersByTime(2000);
    expect(pushes).toHaveLength(count);
    topic.dispose();
  });

  it('a late subscriber gets the whole value first; a snapshot lets a receiver that saw a gap catch up', () => {
    vi.useFakeTimers();
    let value = { n: 1 };
    const topic = new PublishedTopic(() => value, 100);
    const early: VersionedPush[] = [];
    topic.subscribe((push) => early.push(push));
    value = { n: 2 };
    topic.changed();
    const late: VersionedPush[] = [];
    topic.subscribe((push) => late.push(push));
    expect(late).toEqual([{ version: 2, base: null, patch: { r: { n: 2 } } }]);
    expect(early).toEqual([
      { version: 1, base: null, patch: { r: { n: 1 } } },
      { version: 2, base: 1, patch: { o: { n: { r: 2 } } } },
    ]);
    value = { n: 3 };
    topic.changed();
    expect(topic.snapshot()).toEqual({ version: 3, base: null, patch: { r: { n: 3 } } });
    vi.advanceTimersByTime(500);
    expect(late.at(-1)).toEqual({ version: 3, base: 2, patch: { o: { n: { r: 3 } } } });
    expect(early).toHaveLength(3);
  });
});
