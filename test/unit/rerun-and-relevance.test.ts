/** Rerunning a job (which command, or a clear refusal) and which replica changes drop cached calendars. */
import { describe, expect, it } from 'vitest';
import { rerunCommand } from '../../main/core/rerun.js';
import { calendarRelevant } from '../../main/core/calendar-relevance.js';
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
