/** Pure series for the fleet overview's charts: data volume per backup day, success rate and media use per location. */
import type { LocationDetail } from '../../shared/console-api';
import type { LocationView } from '../../shared/fleet';

export interface VolumeBar {
  readonly day: string;
  readonly bytes: number;
}

type RecentJobs = NonNullable<LocationDetail['jobs']>['recent'];

/**
 * Per-location figures cached per `recent` array (the store replaces it when the jobs change), so
 * a push that only moves a running job on does not rescan every location's jobs.
 */
const volumeCache = new WeakMap<RecentJobs, ReadonlyMap<string, number>>();
const finishedCache = new WeakMap<RecentJobs, { readonly total: number; readonly failed: number }>();

function volumeOf(recent: RecentJobs): ReadonlyMap<string, number> {
  const cached = volumeCache.get(recent);
  if (cached) return cached;
  const sums = new Map<string, number>();
  for (const job of recent) {
    if (job.kind !== 'backup' || job.state === 'cancelled') continue;
    sums.set(job.backupDay, (sums.get(job.backupDay) ?? 0) + job.bytes);
  }
  volumeCache.set(recent, sums);
  return sums;
}

function finishedOf(recent: RecentJobs): { readonly total: number; readonly failed: number } {
  const cached = finishedCache.get(recent);
  if (cached) return cached;
  const finished = recent.filter((job) => job.kind === 'backup' && job.state !== 'cancelled');
  const figures = { total: finished.length, failed: finished.filter((job) => job.state === 'error').length };
  finishedCache.set(recent, figures);
  return figures;
}

/** Bytes written by finished backups per backup day, the last `days` days that have any, oldest first. */
export function volumePerDay(details: Iterable<LocationDetail>, days = 14): VolumeBar[] {
  const sums = new Map<string, number>();
  for (const detail of details) {
    const recent = detail.jobs?.recent;
    if (!recent) continue;
    for (const [day, bytes] of volumeOf(recent)) sums.set(day, (sums.get(day) ?? 0) + bytes);
  }
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(-days)
    .map(([day, bytes]) => ({ day, bytes }));
}

export interface LocationRate {
  readonly name: string;
  /** Percent of the recent finished backups that succeeded (warnings count as done). */
  readonly rate: number;
  readonly total: number;
  readonly failed: number;
}

/** Success rate of each location's recent backups, worst first (at most `limit` rows). */
export function successRates(rows: ReadonlyArray<{ readonly location: LocationView; readonly detail: LocationDetail | undefined }>, limit = 10): LocationRate[] {
  return rows
    .flatMap(({ location, detail }) => {
      const recent = detail?.jobs?.recent;
      const { total, failed } = recent ? finishedOf(recent) : { total: 0, failed: 0 };
      if (total === 0) return [];
      return [{ name: location.name, total, failed, rate: Math.round(((total - failed) / total) * 1000) / 10 }];
    })
    .sort((a, b) => a.rate - b.rate || b.failed - a.failed || a.name.localeCompare(b.name))
    .slice(0, limit);
}

export interface MediaUse {
  readonly name: string;
  /** Percent of the labelled capacity in use. */
  readonly used: number;
  readonly usedBytes: number;
  readonly capacityBytes: number;
  readonly cartridges: number;
}

/** Labelled media capacity in use per location, fullest first (at most `limit` rows). */
/** A share in percent for people: one decimal, "< 0.1" for a share above zero that would round to nothing. */
export function percentLabel(value: number): string {
  return value > 0 && value < 0.05 ? '< 0.1' : String(Math.round(value * 10) / 10);
}

export function mediaUse(rows: ReadonlyArray<{ readonly location: LocationView; readonly detail: LocationDetail | undefined }>, limit = 10): MediaUse[] {
  return rows
    .flatMap(({ location, detail }) => {
      const media = detail?.devices?.media ?? [];
      const capacityBytes = media.reduce((sum, item) => sum + item.capacity, 0);
      if (media.length === 0 || capacityBytes === 0) return [];
      const usedBytes = media.reduce((sum, item) => sum + Math.min(item.used, item.capacity), 0);
      // Not rounded: a small saveset on big cartridges is a few thousandths of a percent, and still in use.
      return [{ name: location.name, usedBytes, capacityBytes, cartridges: media.length, used: (usedBytes / capacityBytes) * 100 }];
    })
    .sort((a, b) => b.used - a.used || a.name.localeCompare(b.name))
    .slice(0, limit);
}
