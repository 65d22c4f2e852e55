/** The console's per-domain delta check gives the same verdict and errors as the protocol's `deltaSchema`. */
import { describe, expect, it } from 'vitest';
import { DeltaParser, parseDelta } from '../../main/core/delta-parse.js';
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

/** A parser that has accepted `job` once, so the next delta of that job takes its fast path. */
function primed(): DeltaParser {
  const parser = new DeltaParser();
  expect(parser.parse(valid).success).toBe(true);
  return parser;
}
const progress = (jobChanges: Record<string, unknown>, outer: Record<string, unknown> = {}) => ({
  seq: 6, at: '2026-11-29T10:00:03.250Z', ...outer, change: { domain: 'jobs', change: { job: { ...job, ...jobChanges } } },
});
const verdictOf = (parser: DeltaParser, payload: unknown) => {
  const result = parser.parse(payload);
  return result.success ? { ok: result.data } : { issues: result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
};

describe('DeltaParser (the per-link fast path for job progress)', () => {
  it('accepts the progress of a job it has seen, equal to deltaSchema and without unknown keys', () => {
    const parser = primed();
    const next = progress({ bytes: 131_072, files: 13, currentFile: '/srv/mail/b', rate: 0.5 });
    expect(verdictOf(parser, next)).toEqual(reference(next));
    const extra = { ...progress({ files: 14 }), extra: 1, change: { domain: 'jobs', extra: true, change: { extra: 2, job: { ...job, files: 14, smuggled: 'x'.repeat(10_000) } } } };
    const ours = verdictOf(parser, extra);
    expect(ours).toEqual(reference(extra));
    expect(JSON.stringify(ours)).not.toContain('smuggled');
  });

  it('refuses a bad progress delta of a known job with the issues deltaSchema gives, and stays strict after it', () => {
    const cases: unknown[] = [
      progress({ bytes: -1 }), progress({ files: 1.5 }), progress({ files: 2 ** 53 }), progress({ rate: -0.1 }), progress({ rate: Number.POSITIVE_INFINITY }),
      progress({ rate: Number.NaN }), progress({ currentFile: 'x'.repeat(4097) }), progress({ currentFile: 7 }), progress({ state: 'exploded' }),
      progress({ queuedAt: 'yesterday' }), progress({ task: '../etc' }), progress({ drive: { loader: '', number: 0 } }), progress({ message: 'm'.repeat(3000) }),
      progress({ files: undefined }), progress({}, { seq: 0 }), progress({}, { seq: 2.5 }), progress({}, { at: '2026-11-29 10:00:03' }), progress({}, { at: 1 }),
      { ...progress({}), change: { domain: 'jobs', change: { job: [job] } } }, { ...progress({}), change: { domain: 'jobs', change: null } },
    ];
    const parser = primed();
    for (const payload of cases) {
      const ours = verdictOf(parser, payload);
      expect(ours).toEqual(reference(payload));
      expect(ours).toHaveProperty('issues');
    }
    expect(verdictOf(parser, progress({ files: 20 }))).toEqual(reference(progress({ files: 20 })));
  });

  it('checks a changed field of a known job by its own rules (a new state, a drive, a message)', () => {
    const parser = primed();
    const cases = [
      progress({ state: 'waiting-media', message: 'insert DAILY00001', drive: { loader: 'lib1', number: 0 } }),
      progress({ drive: { loader: 'lib1', number: 1, extra: true } }),
      progress({ drive: { loader: 'lib1', number: 1 } }), // equal to the drive it accepted last: kept as accepted
      progress({ drive: { number: 1, loader: 'lib1' } }),
      progress({ drive: { loader: 'lib1', number: 1, extra: 1 } }), // one key more: through the schema, which drops it
      progress({ drive: { loader: 'lib1', number: '1' } }),
      progress({ drive: JSON.parse('{"loader":"lib1","number":1,"__proto__":{"polluted":true}}') as unknown }),
      progress({ state: 'successful', endedAt: '2026-11-29T11:00:00.000Z' }),
      progress({ files: 99 }),
    ];
    for (const payload of cases) expect(verdictOf(parser, payload)).toEqual(reference(payload));
  });

  it('agrees with deltaSchema on random corruptions of a known job, one or three fields at a time', () => {
    const random = seededRandom(20261130);
    const keys = Object.keys(job);
    const parser = primed();
    for (let i = 0; i < 600; i += 1) {
      const changes: Record<string, unknown> = {};
      for (let n = i % 2 === 0 ? 1 : 3; n > 0; n -= 1) changes[keys[Math.floor(random() * keys.length)] as string] = randomValue(random);
      const outer = i % 5 === 0 ? { [random() < 0.5 ? 'seq' : 'at']: randomValue(random) } : {};
      const payload = progress(changes, outer);
      expect(verdictOf(parser, payload)).toEqual(reference(payload));
      // Every few rounds the job moves on validly, so the parser's memory is not always the first job.
      if (i % 7 === 0) expect(verdictOf(parser, progress({ files: i }))).toEqual(reference(progress({ files: i })));
    }
  });
});
