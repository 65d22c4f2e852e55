/**
 * The console's check of an agent's `delta` (untrusted input) on the hot path: one precompiled zod
 * schema per change domain, picked by `change.domain`, instead of the whole discriminated union.
 * The same rules as `deltaSchema`; anything that does not name a known domain goes through
 * `deltaSchema` itself, so the error is the one it gives.
 *
 * `DeltaParser` (one per link) adds a cheaper path for the commonest delta, a job's progress: a
 * job field equal to the one this link last accepted for the same job id (a primitive, or a flat
 * object such as `drive`) is accepted as is (it passed the same check then), the fields that move
 * (`bytes`, `files`, `rate`, `currentFile`, the delta's `seq` and `at`) get the schema's own rules
 * written out, and any other changed field its own zod schema. Whatever the fast path does not accept goes through the full schema, so a bad
 * delta is refused with exactly the issues `deltaSchema` reports.
 */
import { z } from 'zod';
import { changeSchema, deltaSchema, type Delta } from '../../shared/protocol/catalog.js';
import { jobSchema, isFinalJobState, type Job } from '../../shared/engine.js';

type DeltaParseResult = ReturnType<typeof deltaSchema.safeParse>;

const byDomain = new Map<unknown, z.ZodType<Delta>>(
  changeSchema.options.map((option) => [option.shape.domain.value, deltaSchema.extend({ change: option }) as unknown as z.ZodType<Delta>]),
);

export function parseDelta(payload: unknown): DeltaParseResult {
  const change = typeof payload === 'object' && payload !== null ? (payload as { change?: unknown }).change : undefined;
  const domain = typeof change === 'object' && change !== null ? (change as { domain?: unknown }).domain : undefined;
  return (byDomain.get(domain) ?? deltaSchema).safeParse(payload);
}

type JobKey = keyof Job;
const JOB_FIELD = jobSchema.shape as unknown as Record<JobKey, z.ZodType>;
/** The datetime pattern zod checks `at` with; if zod ever stops exposing it, `at` takes the zod path. */
const AT_PATTERN: RegExp | undefined = (deltaSchema.shape.at as unknown as { _zod?: { def?: { pattern?: unknown } } })._zod?.def?.pattern as RegExp | undefined;
const MAX_CURRENT_FILE = 4096;
/** Jobs remembered per link: more than ever run at once on one agent; the first remembered is forgotten first. */
const REMEMBERED_JOBS = 256;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Whether `value` is a plain object with exactly the keys of `before` (a plain object of primitives), each equal. */
function sameFlatRecord(value: unknown, before: unknown): boolean {
  if (!isRecord(value) || !isRecord(before)) return false;
  let count = 0;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item !== before[key] || (item !== null && typeof item === 'object') || !Object.hasOwn(before, key)) return false;
    count += 1;
  }
  return count === Object.keys(before).length;
}

/** The rules of the fields a progress delta changes, as `jobSchema` states them. */
function movingFieldOk(key: JobKey, value: unknown): boolean | undefined {
  switch (key) {
    case 'bytes':
    case 'files':
      return isCount(value);
    case 'rate':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0;
    case 'currentFile':
      return value === null || (typeof value === 'string' && value.length <= MAX_CURRENT_FILE);
    default:
      return undefined;
  }
}

const REFUSED = Symbol('refused');

/**
 * A job field of a progress delta as the fast path accepts it: equal to what this link accepted
 * before (a primitive, or a flat object such as `drive`), a moving field that passes its rule, or
 * any other field that passes its own schema; else REFUSED (the full schema then decides).
 */
function accepted(job: Record<string, unknown>, previous: Job, key: JobKey): unknown {
  const value = job[key];
  const before = previous[key];
  if (value === before && (value === null || typeof value !== 'object')) return value;
  if (sameFlatRecord(value, before)) return before; // equal to what passed the schema before
  const moving = movingFieldOk(key, value);
  if (moving !== undefined) return moving ? value : REFUSED;
  const field = JOB_FIELD[key].safeParse(value);
  return field.success ? field.data : REFUSED;
}

/** One link's running jobs by id, as last accepted: a finished job is forgotten, and past REMEMBERED_JOBS the first remembered. */
export class RememberedJobs {
  private readonly jobs = new Map<string, Job>();

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  remember(job: Job): void {
    if (isFinalJobState(job.state)) {
      this.jobs.delete(job.id);
      return;
    }
    // A job already remembered keeps its place (the order only picks which job to forget first).
    const known = this.jobs.has(job.id);
    this.jobs.set(job.id, job);
    if (!known && this.jobs.size > REMEMBERED_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
  }

  clear(): void {
    this.jobs.clear();
  }
}

/** Parses one link's deltas; remembers the jobs it accepted to check the next progress of each cheaply. */
export class DeltaParser {
  private readonly jobs = new RememberedJobs();

  parse(payload: unknown): DeltaParseResult {
    const fast = this.jobProgress(payload);
    if (fast) return { success: true, data: fast } as DeltaParseResult;
    const result = parseDelta(payload);
    if (result.success && result.data.change.domain === 'jobs') this.jobs.remember(result.data.change.change.job);
    return result;
  }

  /** Forgets the remembered jobs (a fresh snapshot starts over). */
  reset(): void {
    this.jobs.clear();
  }

  /** The delta, when it is a jobs delta for a remembered job that the cheap checks accept; otherwise undefined. */
  private jobProgress(payload: unknown): Delta | undefined {
    if (!isRecord(payload) || AT_PATTERN === undefined) return undefined;
    const { seq, at, change } = payload;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq <= 0) return undefined;
    if (typeof at !== 'string' || !AT_PATTERN.test(at)) return undefined;
    if (!isRecord(change) || change.domain !== 'jobs' || !isRecord(change.change)) return undefined;
    const job = change.change.job;
    if (!isRecord(job) || typeof job.id !== 'string') return undefined;
    const previous = this.jobs.get(job.id);
    if (!previous) return undefined;
    // Named fields, not a loop over the keys: every load and store stays monomorphic (a keyed loop
    // cost about 3 µs per delta, most of the core's own share of a progress delta). `satisfies`
    // makes the compiler refuse a Job field missing here.
    const out = {
      id: accepted(job, previous, 'id'),
      kind: accepted(job, previous, 'kind'),
      task: accepted(job, previous, 'task'),
      type: accepted(job, previous, 'type'),
      state: accepted(job, previous, 'state'),
      queuedAt: accepted(job, previous, 'queuedAt'),
      startedAt: accepted(job, previous, 'startedAt'),
      endedAt: accepted(job, previous, 'endedAt'),
      backupDay: accepted(job, previous, 'backupDay'),
      bytes: accepted(job, previous, 'bytes'),
      files: accepted(job, previous, 'files'),
      rate: accepted(job, previous, 'rate'),
      currentFile: accepted(job, previous, 'currentFile'),
      saveset: accepted(job, previous, 'saveset'),
      drive: accepted(job, previous, 'drive'),
      message: accepted(job, previous, 'message'),
    } satisfies Record<JobKey, unknown>;
    for (const key in out) if (out[key as JobKey] === REFUSED) return undefined;
    const next = out as Job;
    this.jobs.remember(next);
    return { seq, at, change: { domain: 'jobs', change: { job: next } } };
  }
}
