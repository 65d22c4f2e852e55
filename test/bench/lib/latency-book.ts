/**
 * Event latency from location pushes: the bench job's `files` counts the agent's events and its
 * `currentFile` carries the newest one's send time. Every event since the previous push of that
 * location is now applied; its latency is now − its send time (events a coalesced push superseded
 * get their send time back from the agent's fixed period).
 */
import type { LocationDetail } from '../../../shared/console-api.js';
import { SENT_AT_PREFIX } from './agent-farm.js';
import { percentile, SampleLog } from './measure.js';

export interface LatencyFigures {
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export class LatencyBook {
  private readonly lastCount = new Map<string, number>();
  private readonly samples = new SampleLog();

  constructor(private readonly periodMs: number) {}

  applied(detail: LocationDetail, now: number): void {
    const job = detail.jobs?.active[0];
    if (job) this.progress(detail.id, job.files, job.currentFile, now);
  }

  /** The bench job of location `id` now counts `files` events, the newest sent at the time in `currentFile`. */
  progress(id: string, files: number, currentFile: string | null, now: number): void {
    if (!currentFile?.startsWith(SENT_AT_PREFIX)) return;
    const newestSentAt = Number(currentFile.slice(SENT_AT_PREFIX.length));
    const previous = this.lastCount.get(id);
    this.lastCount.set(id, files);
    if (previous === undefined) return;
    for (let count = previous + 1; count <= files; count += 1) {
      const sentAt = newestSentAt - (files - count) * this.periodMs;
      this.samples.push(sentAt, now - sentAt);
    }
  }

  /** Events sent in [t0, t1). */
  figures(t0: number, t1: number): LatencyFigures {
    const inWindow = this.samples.valuesBetween(t0, t1);
    return { events: inWindow.length, p50Ms: percentile(inWindow, 50), p99Ms: percentile(inWindow, 99) };
  }
}

type PatchNode = { r?: unknown; o?: Record<string, PatchNode>; k?: Record<string, PatchNode> };
type BenchJob = { files: number; currentFile: string | null };

/**
 * The bench job's `files` and `currentFile` read straight from a location push's patch, without
 * rebuilding the detail (the console process books core-push latency this way, so the bench adds
 * next to nothing to the console's CPU). Each progress delta changes both fields, so any patch of
 * the job carries both; undefined when the patch does not touch the first active job.
 */
export function benchJobOfPatch(patch: PatchNode): BenchJob | undefined {
  if ('r' in patch) return (patch.r as LocationDetail | null)?.jobs?.active[0] as BenchJob | undefined;
  const jobs = patch.o?.jobs;
  if (!jobs) return undefined;
  if ('r' in jobs) return (jobs.r as LocationDetail['jobs'])?.active[0] as BenchJob | undefined;
  const active = jobs.o?.active;
  if (!active) return undefined;
  if ('r' in active) return (active.r as BenchJob[] | null)?.[0];
  const first = active.k ? Object.values(active.k)[0] : undefined;
  if (!first) return undefined;
  if ('r' in first) return first.r as BenchJob;
  const files = first.o?.files;
  const currentFile = first.o?.currentFile;
  if (!files || !currentFile || !('r' in files) || !('r' in currentFile)) return undefined;
  return { files: files.r as number, currentFile: currentFile.r as string | null };
}
