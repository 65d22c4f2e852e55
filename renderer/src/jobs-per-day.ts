/** Jobs per backup day by status, across locations (pure, for the fleet chart). */
import type { LocationDetail } from '../../shared/console-api';

export const CHART_STATUSES = ['successful', 'warning', 'error', 'cancelled'] as const;
export type ChartStatus = (typeof CHART_STATUSES)[number];
export type DayBar = { readonly day: string } & Readonly<Record<ChartStatus, number>>;

/** The last `days` backup days that have finished jobs, oldest first. */
export function jobsPerDay(details: Iterable<LocationDetail>, days = 14): DayBar[] {
  const counts = new Map<string, Record<ChartStatus, number>>();
  for (const detail of details) {
    for (const job of detail.jobs?.recent ?? []) {
      if (!(CHART_STATUSES as readonly string[]).includes(job.state)) continue;
      const row = counts.get(job.backupDay) ?? { successful: 0, warning: 0, error: 0, cancelled: 0 };
      row[job.state as ChartStatus] += 1;
      counts.set(job.backupDay, row);
    }
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(-days)
    .map(([day, row]) => ({ day, ...row }));
}
