/**
 * The fleet summary kept incrementally: when one location changes, its old contribution is taken
 * out of the sums and its new one added, so a change costs the size of that location, not of the
 * fleet. Unchanged locations keep their summary objects, so a diff of two summaries is cheap.
 */
import type { FleetSummary, FleetTotals, RunningJob } from '../../shared/fleet-summary.js';
import type { LocationView } from '../../shared/fleet.js';
import type { Job, JobState } from '../../shared/engine.js';
import type { ReplicaState } from './location-replica.js';
import { addToTotals, emptyTotals, locationContribution, runningJob, type LocationContribution } from './fleet-summary.js';

export class FleetAggregates {
  private readonly contributions = new Map<string, LocationContribution>();
  private readonly jobsByState = new Map<JobState, number>();
  private readonly licenses = new Map<string, number>();
  private readonly totals: FleetTotals = emptyTotals();

  /** Recomputes one location's contribution (after its link status or replica changed). */
  set(location: LocationView, replica: ReplicaState | null): void {
    this.remove(location.id);
    const contribution = locationContribution(location, replica);
    this.contributions.set(location.id, contribution);
    this.add(contribution, 1);
  }

  /**
   * A running job's progress, applied without a recount: when the job was running before and still
   * is and nothing else of the location changed (the recent jobs, devices, license and schedules
   * are the same objects), only its running entry changes. The caller must know that this
   * location's contribution is up to date with `before` (it is not waiting for a `set`). False when
   * the change is anything else: then `set` the location.
   */
  jobProgress(id: string, before: ReplicaState | null, after: ReplicaState | null, job: Job): boolean {
    const old = this.contributions.get(id);
    if (!old || !before || !after || job.state !== 'running') return false;
    if (before.jobs.recent !== after.jobs.recent || before.devices !== after.devices || before.license !== after.license || before.schedules !== after.schedules) return false;
    if (before.jobs.active.find((candidate) => candidate.id === job.id)?.state !== 'running') return false;
    const index = old.running.findIndex((entry) => entry.id === job.id);
    const entry = old.running[index];
    if (!entry) return false;
    // Running jobs follow the active list, where a job keeps its place as it progresses (applyJobsChange).
    const running = old.running.slice();
    running[index] = runningJob(job, entry.locationId, entry.location);
    this.contributions.set(id, { summary: old.summary, jobsByState: old.jobsByState, running, license: old.license });
    return true;
  }

  remove(id: string): void {
    const old = this.contributions.get(id);
    if (!old) return;
    this.contributions.delete(id);
    this.add(old, -1);
  }

  has(id: string): boolean {
    return this.contributions.has(id);
  }

  /** The summary, with the locations (and their running jobs) in the given order. */
  summary(order: readonly string[]): FleetSummary {
    const locations = [];
    const running: RunningJob[] = [];
    for (const id of order) {
      const contribution = this.contributions.get(id);
      if (!contribution) continue;
      locations.push(contribution.summary);
      running.push(...contribution.running);
    }
    const jobsByState: FleetSummary['jobsByState'] = {};
    for (const [state, count] of this.jobsByState) jobsByState[state] = count;
    return {
      locations,
      jobsByState,
      running,
      licenses: Object.fromEntries(this.licenses),
      totals: { ...this.totals, media: { ...this.totals.media } },
    };
  }

  private add(contribution: LocationContribution, sign: 1 | -1): void {
    for (const [state, count] of contribution.jobsByState) bump(this.jobsByState, state, sign * count);
    if (contribution.license !== null) bump(this.licenses, contribution.license, sign);
    addToTotals(this.totals, contribution.summary, sign);
  }
}

/** Adds to a count and forgets it at zero, so the sums equal a recount with no empty entries. */
function bump<K>(counts: Map<K, number>, key: K, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
