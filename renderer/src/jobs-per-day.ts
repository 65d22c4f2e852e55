/** Jobs per backup day by status, across locations (pure, for the fleet chart). */
import type { LocationDetail } from '../../shared/console-api';

export const CHART_STATUSES = ['successful', 'warning', 'error', 'cancelled'] as const;
export type ChartStatus = (typeof CHART_STATUSES)[number];
export type DayBar = { readonly day: string } & Readonly<Record<ChartStatus, number>>;

type RecentJobs = NonNullable<LocationDetail['jobs']>['recent'];

/**
 * One location's counts per backup day, cached per `recent` array: the store replaces that array
 * when the jobs change, so a push that moves a running job on costs nothing here.
 */
const countsCache = new WeakMap<RecentJobs, ReadonlyMap<string, Readonly<Record<ChartStatus, number>>>>();

function countsOf(recent: RecentJobs): ReadonlyMap<string, Readonly<Record<ChartStatus, number>>> {
  const cached = countsCache.get(recent);
  if (cached) return cached;
  const counts = new Map<string, Record<ChartStatus, number>>();
  for (const job of recent) {
    if (!(CHART_STATUSES as readonly string[]).includes(job.state)) continue;
    const row = counts.get(job.backupDay) ?? { successful: 0, warning: 0, error: 0, cancelled: 0 };
    row[job.state as ChartStatus] += 1;
    counts.set(job.backupDay, row);
  }
  countsCache.set(recent, counts);
  return counts;
}

/** The last `days` backup days that have finished jobs, oldest first. */
export function jobsPerDay(details: Iterable<LocationDetail>, days = 14): DayBar[] {
  const counts = new Map<string, Record<ChartStatus, number>>();
  for (const detail of details) {
    const recent = detail.jobs?.recent;
    if (!recent) continue;
    for (const [day, part] of countsOf(recent)) {
      const row = counts.get(day) ?? { successful: 0, warning: 0, error: 0, cancelled: 0 };
      for (const status of CHART_STATUSES) row[status] += part[status];
      counts.set(day, row);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(-days)
    .map(([day, row]) => ({ day, ...row }));
}
