/** The short form of a job's progress between the link thread and the core: the core rebuilds exactly the delta the link accepted. */
import { describe, expect, it } from 'vitest';
import { PROGRESS_FIELDS, ProgressReceiver, ProgressSender, type ProgressReport } from '../../main/core/progress-report.js';
import type { Job } from '../../shared/engine.js';
import type { Delta } from '../../shared/protocol/catalog.js';

const job = (id: string, patch: Partial<Job> = {}): Job => ({
  id,
  kind: 'backup',
  task: 'docs',
  type: 'full',
  state: 'running',
  queuedAt: '2026-11-30T01:00:00.000Z',
  startedAt: '2026-11-30T01:00:01.000Z',
  endedAt: null,
  backupDay: '2026-11-30',
  bytes: 0,
  files: 0,
  rate: 0,
  currentFile: null,
  saveset: null,
  drive: { loader: 'lib1', number: 0 },
  message: null,
  ...patch,
});
let seq = 0;
const delta = (of: Job): Delta => ({ seq: ++seq, at: '2026-11-30T01:00:02.000Z', change: { domain: 'jobs', change: { job: of } } });

/** Sends deltas of one link through both ends, as the thread and the core do, cloning in between. */
function pair() {
  const sender = new ProgressSender();
  const receiver = new ProgressReceiver();
  const shorts: ProgressReport[] = [];
  const cross = (link: number, sent: Delta): Delta | undefined => {
    const short = sender.compact(link, sent);
    if (short) {
      shorts.push(short);
      return receiver.expand(structuredClone(short));
    }
    return receiver.whole(link, structuredClone(sent));
  };
  return { sender, receiver, shorts, cross };
}

describe('progress short form', () => {
  it('a job whose progress moves crosses short and is rebuilt equal, field for field', () => {
    const { cross, shorts } = pair();
    const first = job('j1');
    const opening = delta(first);
    expect(cross(1, opening)).toEqual(opening);
    expect(shorts).toHaveLength(0);
    let current = first;
    for (let i = 1; i <= 5; i += 1) {
      current = { ...current, bytes: i * 1000, files: i, rate: 512 * i, currentFile: `/srv/f${i}` };
      const sent = delta(current);
      expect(cross(1, sent)).toEqual(sent);
    }
    expect(shorts).toHaveLength(5);
    expect(shorts[4]).toEqual([1, seq, '2026-11-30T01:00:02.000Z', 'j1', 5000, 5, 2560, '/srv/f5']);
  });

  it('any fixed field that changes sends the delta whole (every Job field is named fixed or moving)', () => {
    const changed: Record<string, unknown> = { id: 'j1', kind: 'restore', task: 'mail', type: 'incr', state: 'queued', queuedAt: '2026-11-30T02:00:00.000Z', startedAt: null, endedAt: '2026-11-30T02:00:00.000Z', backupDay: '2026-11-29', saveset: 'S1', drive: { loader: 'lib1', number: 0 }, message: 'slow' };
    for (const [field, role] of Object.entries(PROGRESS_FIELDS)) {
      if (role !== 'fixed' || field === 'id') continue;
      const { cross, shorts } = pair();
      const first = job('j1');
      cross(1, delta(first));
      const next = { ...first, files: 1, [field]: changed[field] } as Job;
      const sent = delta(next);
      expect(cross(1, sent), field).toEqual(sent);
      expect(shorts, field).toHaveLength(0);
    }
  });

  it('keeps links apart, forgets a finished job and a link with a new snapshot, and both ends forget alike', () => {
    const { cross, shorts, sender, receiver } = pair();
    const a = job('j1');
    const b = job('j1', { task: 'mail' });
    cross(1, delta(a));
    cross(2, delta(b));
    const sentA = delta({ ...a, files: 7 });
    const sentB = delta({ ...b, files: 9 });
    expect(cross(1, sentA)).toEqual(sentA);
    expect(cross(2, sentB)).toEqual(sentB);
    expect(shorts.map((short) => short[0])).toEqual([1, 2]);
    // Finished: the next delta of that id is whole again.
    cross(1, delta({ ...a, files: 8, state: 'successful' }));
    const again = delta({ ...a, files: 9 });
    expect(cross(1, again)).toEqual(again);
    expect(shorts).toHaveLength(2);
    // A snapshot on link 2: both ends forget its jobs.
    sender.forget(2);
    receiver.forget(2);
    const afterSnapshot = delta({ ...b, files: 10 });
    expect(cross(2, afterSnapshot)).toEqual(afterSnapshot);
    expect(shorts).toHaveLength(2);
  });

  it('a short form for a job the core does not know is refused (the link then asks for a snapshot)', () => {
    const receiver = new ProgressReceiver();
    expect(receiver.expand([1, 5, '2026-11-30T01:00:02.000Z', 'unknown', 1, 1, 1, null])).toBeUndefined();
  });

  it('both ends forget the same job first when a link has more than 256 running', () => {
    const { cross, shorts } = pair();
    for (let i = 0; i < 300; i += 1) cross(1, delta(job(`j${i}`, { drive: null })));
    // The first 44 were forgotten on both ends: whole (newest first, so no whole one pushes out a remembered one first); the rest short.
    for (let i = 299; i >= 0; i -= 1) {
      const sent = delta(job(`j${i}`, { drive: null, files: 1 }));
      expect(cross(1, sent)).toEqual(sent);
    }
    expect(shorts).toHaveLength(256);
    expect(shorts[0]?.[3]).toBe('j299');
    expect(shorts.at(-1)?.[3]).toBe('j44');
  });

  it('an equal drive that is another object goes whole (the link parser hands back the object it accepted, so a stream stays short)', () => {
    const { cross, shorts } = pair();
    const first = job('j1');
    cross(1, delta(first));
    const sent = delta({ ...first, files: 1, drive: { loader: 'lib1', number: 0 } });
    expect(cross(1, sent)).toEqual(sent);
    expect(shorts).toHaveLength(0);
  });
});
