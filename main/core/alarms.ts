/**
 * The alarm feed, derived from what the console knows (each location's replica and link status):
 * failed jobs, jobs waiting for media, license warnings, pre-flight problems, locations offline
 * for longer than a threshold. Acknowledgements persist in the config directory.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Alarm } from '../../shared/alarms.js';
import type { LocationView } from '../../shared/fleet.js';
import type { ReplicaState } from './location-replica.js';
import { writePrivateFile } from './secret-store.js';

export const DEFAULT_OFFLINE_ALARM_MS = 15 * 60_000;
const MAX_ACKS = 10_000;

const SEVERITY_RANK = { critical: 0, warning: 1 } as const;

/**
 * Alarms of one location, newest first within each severity. `offlineSince` is when this console
 * first saw the location offline, for one it never reached (no last-seen time): such a location
 * raises the offline alarm too once the threshold passed.
 */
export function alarmsOf(location: LocationView, replica: ReplicaState | null, now: Date, offlineAfterMs: number, offlineSince: string | null = null): Omit<Alarm, 'acknowledged'>[] {
  // Each alarm lists these first, written out: keys added after a spread are a slow path in V8.
  const base = { locationId: location.id, location: location.name };
  const out: Omit<Alarm, 'acknowledged'>[] = [];
  const since = location.lastSeen ?? offlineSince;
  if (location.status === 'offline' && since && now.getTime() - Date.parse(since) > offlineAfterMs) {
    const what = location.lastSeen ? `offline since ${since}` : `not reached since ${since}`;
    out.push({ locationId: base.locationId, location: base.location, id: `offline:${location.id}:${since}`, severity: 'critical', kind: 'offline', at: since, text: `${what}${location.detail ? ` (${location.detail})` : ''}` });
  }
  if (!replica) return out;
  for (const job of replica.jobs.recent) {
    if (job.state !== 'error' && job.state !== 'warning') continue;
    const what = job.kind === 'backup' ? `${job.type ?? ''} backup of ${job.task ?? ''}` : `${job.kind} ${job.saveset ?? ''}`;
    out.push({
      locationId: base.locationId,
      location: base.location,
      id: `job:${location.id}:${job.id}`,
      severity: job.state === 'error' ? 'critical' : 'warning',
      kind: job.state === 'error' ? 'job-failed' : 'job-warning',
      at: job.endedAt ?? job.queuedAt,
      text: `${what} ${job.state === 'error' ? 'failed' : 'ended with warnings'}${job.message ? `: ${job.message}` : ''}`,
    });
  }
  for (const job of replica.jobs.active) {
    if (job.state !== 'waiting-media') continue;
    out.push({ locationId: base.locationId, location: base.location, id: `media:${location.id}:${job.id}`, severity: 'critical', kind: 'waiting-media', at: job.queuedAt, text: job.message ?? `job ${job.id} is waiting for media` });
  }
  const license = replica.license;
  if (license.status === 'expiring' || license.status === 'expired' || license.status === 'invalid') {
    out.push({
      locationId: base.locationId,
      location: base.location,
      id: `license:${location.id}:${license.status}:${license.expires ?? ''}`,
      severity: license.status === 'expiring' ? 'warning' : 'critical',
      kind: 'license',
      at: license.lastCheck,
      text: license.reason ?? `license ${license.status}`,
    });
  }
  const check = replica.schedules.lastCheck;
  check?.problems.forEach((problem, index) => {
    out.push({ locationId: base.locationId, location: base.location, id: `check:${location.id}:${check.at}:${index}`, severity: problem.severity === 'error' ? 'critical' : 'warning', kind: 'check', at: check.at, text: `${problem.subject}: ${problem.message}` });
  });
  return out;
}

/**
 * Whether a replica change may change its location's alarms (`alarmsOf` reads the recent jobs, the
 * active jobs waiting for media, the license and the last check): false for the commonest change,
 * a running job's progress, so the feed is not recomputed for it. Compares by identity, so it is
 * never false when the alarms could differ.
 */
export function alarmsMayChange(before: ReplicaState | null, after: ReplicaState | null): boolean {
  if (!before || !after) return before !== after;
  if (before.license !== after.license || before.schedules !== after.schedules || before.jobs.recent !== after.jobs.recent) return true;
  const waitingBefore = before.jobs.active.filter((job) => job.state === 'waiting-media');
  const waitingAfter = after.jobs.active.filter((job) => job.state === 'waiting-media');
  return waitingBefore.length !== waitingAfter.length || waitingBefore.some((job, index) => job !== waitingAfter[index]);
}

export function sortAlarms(alarms: Alarm[]): Alarm[] {
  return alarms.sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.at.localeCompare(a.at));
}

/** Acknowledged alarm ids, persisted (0600) in the console's config directory. */
export class AcknowledgedAlarms {
  private ids: string[];
  /** The same ids for lookups: the feed asks once per alarm on every push. */
  private known: Set<string>;

  constructor(private readonly path: string) {
    try {
      this.ids = z.array(z.string()).parse(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      this.ids = [];
    }
    this.known = new Set(this.ids);
  }

  has(id: string): boolean {
    return this.known.has(id);
  }

  add(id: string): void {
    if (this.has(id)) return;
    this.ids = [...this.ids, id].slice(-MAX_ACKS);
    this.known = new Set(this.ids);
    writePrivateFile(this.path, `${JSON.stringify(this.ids)}\n`);
  }
}
