/** Rerunning a job (which command, or a clear refusal) and which replica changes drop cached calendars. */
import { describe, expect, it } from 'vitest';
import { rerunCommand } from '../../main/core/rerun.js';
import { calendarRelevant } from '../../main/core/calendar-relevance.js';
import { alarmsMayChange, alarmsOf } from '../../main/core/alarms.js';
import { applyJobsChange, FINAL_JOB_STATES, isFinalJobState, jobStateSchema, type JobState } from '../../shared/engine.js';
import { seededRandom } from '../helpers/fuzz.js';
import type { ReplicaState } from '../../main/core/location-replica.js';
import type { Job } from '../../shared/engine.js';
import { job } from '../helpers/renderer-fake.js';

const backup = job({ id: 'b1', kind: 'backup', task: 'home', type: 'diff', state: 'error' });
const verify = job({ id: 'v1', kind: 'verify', task: null, type: null, saveset: 'S-1', state: 'successful' });
const restore = job({ id: 'r1', kind: 'restore', task: null, type: null, saveset: 'S-1', state: 'successful' });
const running = job({ id: 'x1', kind: 'backup', state: 'running', bytes: 10, endedAt: null });
const jobs = { active: [running], recent: [backup, verify, restore] };

describe('rerunCommand', () => {
  it('reruns a backup with its task and type and a verify with its saveset', () => {
    expect(rerunCommand(jobs, 'b1')).toEqual({ command: 'backup:start', args: { task: 'home', type: 'diff' } });
    expect(rerunCommand(jobs, 'v1')).toEqual({ command: 'verify:start', args: { saveset: 'S-1' } });
  });

  it.each([
    ['x1', 'CONFLICT', /still running; wait until it ends or cancel it first/],
    ['r1', 'BAD_REQUEST', /Restore tab/],
    ['gone', 'NOT_FOUND', /aged out/],
  ])('refuses %s with %s and a next step', (id, code, message) => {
    expect(() => rerunCommand(jobs, id)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('applyJobsChange', () => {
  const second = job({ id: 'x2', kind: 'backup', state: 'running', endedAt: null });
  const third = job({ id: 'x3', kind: 'restore', task: null, type: null, state: 'running', endedAt: null });
  const state = { active: [running, second, third], recent: [backup] };

  it('a running job that progresses keeps its place among the active ones; a new one comes last', () => {
    const next = applyJobsChange(state, { job: { ...second, bytes: 99 } });
    expect(next.active.map((each) => each.id)).toEqual(['x1', 'x2', 'x3']);
    expect(next.active[1]?.bytes).toBe(99);
    expect(state.active[1]).toBe(second); // the state it was given is not changed
    expect(next.recent).toBe(state.recent);
    expect(applyJobsChange(state, { job: job({ id: 'x4', kind: 'verify', state: 'queued' }) }).active.map((each) => each.id)).toEqual(['x1', 'x2', 'x3', 'x4']);
  });

  it('a job that ends leaves the active ones and comes first among the recent ones', () => {
    const next = applyJobsChange(state, { job: { ...second, state: 'warning' } });
    expect(next.active.map((each) => each.id)).toEqual(['x1', 'x3']);
    expect(next.recent.map((each) => each.id)).toEqual(['x2', 'b1']);
  });

  it('isFinalJobState names exactly FINAL_JOB_STATES', () => {
    for (const state of jobStateSchema.options) expect(isFinalJobState(state)).toBe(FINAL_JOB_STATES.includes(state));
  });
});

describe('calendarRelevant', () => {
  const state = { seq: 1, jobs } as unknown as ReplicaState;
  const jobDelta = (changed: Job) => ({ seq: 2, at: '2026-11-29T10:00:00.000Z', change: { domain: 'jobs' as const, change: { job: changed } } });
  it('progress of a running backup is not; a state change, a new backup or schedules are', () => {
    expect(calendarRelevant(state, jobDelta({ ...running, bytes: 5000, rate: 9, currentFile: '/a' }))).toBe(false);
    expect(calendarRelevant(state, jobDelta({ ...running, state: 'successful', endedAt: '2026-11-29T10:00:00.000Z' }))).toBe(true);
    expect(calendarRelevant(state, jobDelta(job({ id: 'new', kind: 'backup', state: 'queued' })))).toBe(true);
    expect(calendarRelevant(state, jobDelta({ ...restore, state: 'running' }))).toBe(false);
    expect(calendarRelevant(state, { seq: 2, at: '2026-11-29T10:00:00.000Z', change: { domain: 'schedules', change: { state: {} as never, newDay: true, check: null } } })).toBe(true);
    expect(calendarRelevant(null, jobDelta(running))).toBe(true);
  });
});

describe('alarmsMayChange', () => {
  const location = { id: '00000000-0000-4000-8000-000000000001', name: 'Vienna', status: 'online', lastSeen: null, detail: null } as never;
  const replica = (active: Job[], recent: Job[]) => ({ seq: 1, jobs: { active, recent }, license: { status: 'valid' }, schedules: { lastCheck: null }, devices: {} }) as unknown as ReplicaState;
  const after = (state: ReplicaState, changed: Job): ReplicaState => ({ ...state, seq: state.seq + 1, jobs: applyJobsChange(state.jobs, { job: changed }) });
  const alarms = (state: ReplicaState) => JSON.stringify(alarmsOf(location, state, new Date('2026-11-29T12:00:00.000Z'), 60_000));

  it('a running job\'s progress cannot change alarms; it keeps the recent jobs as they were', () => {
    const state = replica([running], [backup]);
    const next = after(state, { ...running, bytes: 5000, files: 3, currentFile: '/a' });
    expect(next.jobs.recent).toBe(state.jobs.recent);
    expect(alarmsMayChange(state, next)).toBe(false);
  });

  it('is true whenever the alarms differ, over random job changes', () => {
    const random = seededRandom(8);
    const states: JobState[] = ['queued', 'waiting-media', 'running', 'successful', 'warning', 'error', 'cancelled'];
    let state = replica([], []);
    let differed = 0;
    for (let i = 0; i < 2000; i += 1) {
      const changed = job({ id: `j${Math.floor(random() * 6)}`, state: states[Math.floor(random() * states.length)] as JobState, bytes: i, message: random() < 0.3 ? `m${i % 3}` : null });
      const next = after(state, changed);
      if (alarms(state) !== alarms(next)) {
        differed += 1;
        expect(alarmsMayChange(state, next)).toBe(true);
      }
      state = next;
    }
    expect(differed).toBeGreaterThan(100);
    expect(alarmsMayChange(null, state)).toBe(true);
    expect(alarmsMayChange(state, { ...state, license: { status: 'expired' } as never })).toBe(true);
  });
});
