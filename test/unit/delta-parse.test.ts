/** The console's per-domain delta check gives the same verdict and errors as the protocol's `deltaSchema`. */
import { describe, expect, it } from 'vitest';
import { parseDelta } from '../../main/core/delta-parse.js';
import { deltaSchema } from '../../shared/protocol/catalog.js';
import { randomValue, seededRandom } from '../helpers/fuzz.js';

const job = {
  id: 'job-1', kind: 'backup', task: 'mail', type: 'full', state: 'running', queuedAt: '2026-11-29T10:00:00.000Z', startedAt: '2026-11-29T10:00:01.000Z', endedAt: null,
  backupDay: '2026-11-29', bytes: 65_536, files: 12, rate: 6_553_600, currentFile: '/srv/mail/a', saveset: null, drive: null, message: null,
};
const valid = { seq: 5, at: '2026-11-29T10:00:02.000Z', change: { domain: 'jobs', change: { job } } };

const verdict = (payload: unknown) => {
  const result = parseDelta(payload);
  return result.success ? { ok: result.data } : { issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
};
const reference = (payload: unknown) => {
  const result = deltaSchema.safeParse(payload);
  return result.success ? { ok: result.data } : { issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
};

describe('parseDelta', () => {
  it('accepts a valid delta of each shape as deltaSchema does', () => {
    expect(verdict(valid)).toEqual({ ok: valid });
    const license = { seq: 6, at: valid.at, change: { domain: 'license', change: { status: { state: 'none' } } } };
    expect(verdict(license)).toEqual(reference(license));
  });

  it('rejects malformed deltas with the same issues as deltaSchema', () => {
    const cases: unknown[] = [
      null, 42, 'delta', {}, { seq: 1, at: valid.at }, { ...valid, change: { domain: 'nope', change: {} } },
      { ...valid, seq: -1 }, { ...valid, at: 'yesterday' }, { ...valid, change: { domain: 'jobs', change: { job: { ...job, bytes: -1 } } } },
      { ...valid, change: { domain: 'jobs', change: { job: { ...job, state: 'exploded' } } } }, { ...valid, change: { domain: 'devices', change: { kind: 'drive' } } },
      { ...valid, change: { domain: 'jobs', change: { job: { ...job, currentFile: 'x'.repeat(5000) } } } },
    ];
    for (const payload of cases) {
      const ours = verdict(payload);
      expect(ours).toEqual(reference(payload));
      expect(ours).toHaveProperty('issues');
    }
  });

  it('agrees with deltaSchema on random garbage and random corruptions of a valid delta', () => {
    const random = seededRandom(20261129);
    for (let i = 0; i < 300; i += 1) {
      const garbage = randomValue(random);
      expect(verdict(garbage)).toEqual(reference(garbage));
      const corrupted = { ...valid, change: { domain: 'jobs', change: { job: { ...job, [Object.keys(job)[i % Object.keys(job).length] as string]: randomValue(random) } } } };
      expect(verdict(corrupted)).toEqual(reference(corrupted));
    }
  });
});
