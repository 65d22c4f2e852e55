import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DayBar } from '../jobs-per-day';

export interface JobsPerDayChartProps {
  readonly data: readonly DayBar[];
}

/** Colours follow the status palette (CSS variables, so both themes work). */
const SERIES = [
  { key: 'successful', name: 'successful', color: 'var(--ok)' },
  { key: 'warning', name: 'warning', color: 'var(--warn)' },
  { key: 'error', name: 'error', color: 'var(--bad)' },
  { key: 'cancelled', name: 'cancelled', color: 'var(--unknown)' },
] as const;

const shortDay = (day: string): string => day.slice(5);
const ORDER: readonly string[] = SERIES.map((series) => series.key);
/** Legend in status order (ok, warning, error, cancelled), stable across renders. */
const byStatus = (item: { dataKey?: unknown }): number => ORDER.indexOf(String(item.dataKey));

/** Stacked bars: jobs per backup day by status (memoised data, no animation). */
/** Memoised: the fleet overview re-renders on every push, the chart only when its bars change. */
export const JobsPerDayChart = memo(function JobsPerDayChart({ data }: Readonly<JobsPerDayChartProps>) {
  return (
    <section className="card chart-card" aria-label="Jobs per backup day by status">
      <h3>Jobs per backup day by status</h3>
      {data.length === 0 ? (
        <p className="muted">No finished jobs reported by any location yet.</p>
      ) : (
        <div className="chart-box" style={{ width: '100%', height: 150 }}>
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 150 }}>
            <BarChart data={data as DayBar[]} margin={{ top: 4, right: 8, bottom: 0, left: -18 }}>
              <CartesianGrid vertical={false} />
              <XAxis dataKey="day" tickFormatter={shortDay} tickLine={false} />
              <YAxis allowDecimals={false} tickLine={false} axisLine={false} />
              <Tooltip cursor={{ fill: 'var(--accent-soft)' }} isAnimationActive={false} />
              <Legend iconSize={9} itemSorter={byStatus} />
              {SERIES.map((series) => (
                <Bar key={series.key} dataKey={series.key} name={series.name} stackId="jobs" fill={series.color} isAnimationActive={false} maxBarSize={34} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
});
