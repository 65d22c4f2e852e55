/**
 * Event latency from location pushes: the bench job's `files` counts the agent's events and its
 * `currentFile` carries the newest one's send time. Every event since the previous push of that
 * location is now applied; its latency is now − its send time (events a coalesced push superseded
 * get their send time back from the agent's fixed period).
 */
import type { LocationDetail } from '../../../shared/console-api.js';
import { SENT_AT_PREFIX } from './agent-farm.js';
import { percentile } from './measure.js';

export interface LatencyFigures {
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export class LatencyBook {
  private readonly lastCount = new Map<string, number>();
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly periodMs: number) {}

  applied(detail: LocationDetail, now: number): void {
    const job = detail.jobs?.active[0];
    if (!job?.currentFile?.startsWith(SENT_AT_PREFIX)) return;
    const newestSentAt = Number(job.currentFile.slice(SENT_AT_PREFIX.length));
    const previous = this.lastCount.get(detail.id);
    this.lastCount.set(detail.id, job.files);
    if (previous === undefined) return;
    for (let count = previous + 1; count <= job.files; count += 1) {
      const sentAt = newestSentAt - (job.files - count) * this.periodMs;
      this.samples.push([sentAt, now - sentAt]);
    }
  }

  /** Events sent in [t0, t1). */
  figures(t0: number, t1: number): LatencyFigures {
    const inWindow = this.samples.filter(([sentAt]) => sentAt >= t0 && sentAt < t1).map(([, ms]) => ms);
    return { events: inWindow.length, p50Ms: percentile(inWindow, 50), p99Ms: percentile(inWindow, 99) };
  }
}
