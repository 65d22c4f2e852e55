import { describe, expect, it } from 'vitest';
import { applyLinkEvent, INITIAL_LINK_STATUS, type LinkEvent, type LinkStatus } from '../../main/core/link-status.js';
import { FleetState } from '../../main/core/fleet-state.js';
import type { Hello } from '../../shared/protocol/catalog.js';
import type { Registration } from '../../main/core/registry.js';
import { isProblemStatus } from '../../shared/fleet.js';
import { seededRandom } from '../helpers/fuzz.js';

const FINGERPRINT = `SHA256:${Array.from({ length: 32 }, () => '0F').join(':')}`;
const hello: Hello = {
  protocol: 1,
  role: 'admin',
  now: '2026-11-23T08:00:00.000Z',
  identity: { name: 'hq-berlin', agentId: '6b0b5c2e-8c1c-4a8e-9d0a-3f3d2d9b1a10', version: '0.1.0', host: '127.0.0.1', fingerprint: FINGERPRINT },
};
const online: LinkEvent = { type: 'online', at: '2026-11-23T08:00:00.000Z', hello };
const run = (...events: LinkEvent[]): LinkStatus => events.reduce(applyLinkEvent, INITIAL_LINK_STATUS);

describe('link status transitions', () => {
  it('starts Connecting and goes Online with the agent identity', () => {
    expect(INITIAL_LINK_STATUS.status).toBe('connecting');
    expect(run(online)).toEqual({ status: 'online', detail: null, lastSeen: online.type === 'online' ? online.at : '', agent: { name: 'hq-berlin', version: '0.1.0', agentId: hello.identity.agentId } });
  });

  it('a never-reached location becomes Offline with no last-seen time', () => {
    expect(run({ type: 'unreachable', detail: 'ECONNREFUSED' })).toMatchObject({ status: 'offline', lastSeen: null, detail: 'ECONNREFUSED' });
  });

  it('losing an online link records when it was last seen', () => {
    const lost = run(online, { type: 'heard', at: '2026-11-23T08:05:00.000Z' }, { type: 'lost', at: '2026-11-23T08:07:00.000Z', detail: 'transport close' });
    expect(lost).toMatchObject({ status: 'offline', lastSeen: '2026-11-23T08:07:00.000Z', detail: 'transport close' });
  });

  it('failed retries keep the last-seen time of the last real contact', () => {
    const state = run(online, { type: 'lost', at: '2026-11-23T08:07:00.000Z', detail: 'gone' }, { type: 'unreachable', detail: 'ECONNREFUSED' }, { type: 'lost', at: '2026-11-23T09:00:00.000Z', detail: 'again' });
    expect(state.lastSeen).toBe('2026-11-23T08:07:00.000Z');
  });

  it.each([
    ['auth', 'auth-failed'],
    ['cert', 'cert-mismatch'],
    ['version', 'version-mismatch'],
  ] as const)('a %s refusal shows %s and keeps the reason', (reason, status) => {
    expect(run(online, { type: 'lost', at: online.at, detail: 'x' }, { type: 'refused', reason, detail: 'why' })).toMatchObject({ status, detail: 'why' });
  });

  it('an online link recovers from any problem and clears the reason', () => {
    expect(run({ type: 'refused', reason: 'auth', detail: 'bad token' }, online)).toMatchObject({ status: 'online', detail: null });
  });

  it('heard while not online changes nothing (same object, no push)', () => {
    const offline = run({ type: 'unreachable', detail: 'x' });
    expect(applyLinkEvent(offline, { type: 'heard', at: online.at })).toBe(offline);
  });
});

describe('fleet state', () => {
  const registration = (name: string, n: number): Registration => ({
    id: `00000000-0000-4000-8000-00000000000${n}`,
    name,
    host: '127.0.0.1',
    port: 7000 + n,
    fingerprint: FINGERPRINT,
    addedAt: '2026-11-23T08:00:00.000Z',
  });

  it('sorts problems first, then by name, and notifies each change', () => {
    const fleet = new FleetState();
    const views: string[][] = [];
    fleet.onChange((view) => views.push(view.locations.map((l) => `${l.name}:${l.status}`)));
    fleet.add(registration('alpha', 1));
    fleet.add(registration('bravo', 2));
    fleet.apply(registration('alpha', 1).id, online);
    fleet.apply(registration('bravo', 2).id, { type: 'refused', reason: 'cert', detail: 'x' });
    expect(views.at(-1)).toEqual(['bravo:cert-mismatch', 'alpha:online']);
    fleet.remove(registration('bravo', 2).id);
    expect(views.at(-1)).toEqual(['alpha:online']);
    expect(views).toHaveLength(5);
  });

  it('signals each change to onLocationChange listeners without building a view, and the view stays current', () => {
    const fleet = new FleetState();
    let signals = 0;
    const subscription = fleet.onLocationChange(() => (signals += 1));
    fleet.add(registration('alpha', 1));
    fleet.apply(registration('alpha', 1).id, online);
    fleet.apply(registration('alpha', 1).id, { type: 'heard', at: '2026-11-23T09:00:01.000Z' });
    expect(signals).toBe(3);
    expect(fleet.location(registration('alpha', 1).id)?.lastSeen).toBe('2026-11-23T09:00:01.000Z');
    subscription.dispose();
    fleet.remove(registration('alpha', 1).id);
    expect(signals).toBe(3);
    expect(fleet.view().locations).toEqual([]);
  });

  it('adding a location again (a relink after an edit) keeps its last-seen time', () => {
    const fleet = new FleetState();
    const alpha = registration('alpha', 1);
    fleet.add(alpha);
    fleet.apply(alpha.id, online);
    fleet.apply(alpha.id, { type: 'lost', at: '2026-11-23T09:00:05.000Z', detail: 'transport close' });
    fleet.add({ ...alpha, port: 7999 });
    expect(fleet.location(alpha.id)).toMatchObject({ status: 'connecting', port: 7999, lastSeen: '2026-11-23T09:00:05.000Z' });
    fleet.apply(alpha.id, { type: 'refused', reason: 'auth', detail: 'token refused' });
    expect(fleet.location(alpha.id)).toMatchObject({ status: 'auth-failed', lastSeen: '2026-11-23T09:00:05.000Z' });
  });

  it.each([5, 77, 2026])('keeps the order of a full sort (problems first, then by name, ties as added) through random changes (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const fleet = new FleetState();
    const names = ['alpha', 'Bravo', 'bravo', 'charlie', 'Ärger', 'zulu', 'delta', 'alpha'];
    const added: Registration[] = [];
    const events: LinkEvent[] = [online, { type: 'unreachable', detail: 'ECONNREFUSED' }, { type: 'refused', reason: 'auth', detail: 'x' }, { type: 'heard', at: '2026-11-23T09:00:00.000Z' }, { type: 'lost', at: '2026-11-23T09:00:00.000Z', detail: 'gone' }];
    const collator = new Intl.Collator();
    let created = 0;
    for (let step = 0; step < 300; step += 1) {
      const choice = random();
      const pick = added[Math.floor(random() * added.length)];
      if (choice < 0.2 || !pick) {
        created += 1;
        const next = { ...registration(names[Math.floor(random() * names.length)] as string, 0), id: `00000000-0000-4000-8000-${String(created).padStart(12, '0')}` };
        added.push(next);
        fleet.add(next);
      } else if (choice < 0.25) {
        fleet.remove(pick.id);
        added.splice(added.indexOf(pick), 1);
      } else if (choice < 0.3) {
        const renamed = { ...pick, name: names[Math.floor(random() * names.length)] as string };
        added[added.indexOf(pick)] = renamed;
        fleet.add(renamed);
      } else fleet.apply(pick.id, events[Math.floor(random() * events.length)] as LinkEvent);
      if (random() < 0.3) {
        const views = added.map((registration) => fleet.location(registration.id)).filter((view) => view !== undefined);
        const expected = [...views].sort((a, b) => Number(!isProblemStatus(a.status)) - Number(!isProblemStatus(b.status)) || collator.compare(a.name, b.name)).map((view) => view.id);
        expect(fleet.order()).toEqual(expected);
        expect(fleet.view().locations.map((view) => view.id)).toEqual(expected);
      }
    }
  });

  it('ignores events for unknown locations and unsubscribes listeners', () => {
    const fleet = new FleetState();
    let calls = 0;
    const subscription = fleet.onChange(() => (calls += 1));
    fleet.apply('00000000-0000-4000-8000-000000000009', online);
    subscription.dispose();
    fleet.add(registration('alpha', 1));
    expect(calls).toBe(0);
  });
});
