/** The fleet overview's other charts (recharts): data volume per backup day, success rate and media use per location. */
import { memo, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { percentLabel, type LocationRate, type MediaUse, type VolumeBar } from '../fleet-charts';
import { formatBytes } from '../format';

const percent = (value: unknown): string => `${String(value)} %`;
const shortDay = (day: string): string => day.slice(5);
const TOOLTIP = { isAnimationActive: false, cursor: { fill: 'var(--accent-soft)' } } as const;

function ChartCard({ title, empty, rows, children }: Readonly<{ title: string; empty: string; rows: number; children: ReactElement }>) {
  return (
    <section className="card chart-card" aria-label={title}>
      <h3>{title}</h3>
      {rows === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="chart-box" style={{ width: '100%', height: 150 }}>
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 150 }}>
            {children}
          </ResponsiveContainer>
        </div>
      )}
    </section>
  );
}

/** Memoised: the fleet overview re-renders on every push, the chart only when its data array changes. */
export const VolumePerDayChart = memo(function VolumePerDayChart({ data }: Readonly<{ data: readonly VolumeBar[] }>) {
  return (
    <ChartCard title="Data volume per backup day" empty="No backups reported by any location yet." rows={data.length}>
      <BarChart data={data as VolumeBar[]} margin={{ top: 4, right: 8, bottom: 0, left: 6 }}>
        <CartesianGrid vertical={false} />
        <XAxis dataKey="day" tickFormatter={shortDay} tickLine={false} />
        <YAxis tickFormatter={(value: number) => formatBytes(value)} tickLine={false} axisLine={false} width={64} />
        <Tooltip {...TOOLTIP} formatter={(value) => [formatBytes(Number(value)), 'written']} />
        <Bar dataKey="bytes" name="written" fill="var(--accent)" isAnimationActive={false} maxBarSize={34} />
      </BarChart>
    </ChartCard>
  );
});

/** Bars coloured by status: green when every recent backup succeeded, amber above 90 %, red below. */
const rateColour = (rate: number): string => (rate >= 100 ? 'var(--ok)' : rate >= 90 ? 'var(--warn)' : 'var(--bad)');

/** Memoised: the fleet overview re-renders on every push, the chart only when its data array changes. */
export const SuccessRateChart = memo(function SuccessRateChart({ data }: Readonly<{ data: readonly LocationRate[] }>) {
  return (
    <ChartCard title="Success rate per location (recent backups, worst first)" empty="No finished backups yet." rows={data.length}>
      <BarChart data={data as LocationRate[]} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 4 }}>
        <CartesianGrid horizontal={false} />
        <XAxis type="number" domain={[0, 100]} tickFormatter={(value: number) => `${value} %`} tickLine={false} />
        <YAxis type="category" dataKey="name" width={110} tickLine={false} axisLine={false} interval={0} />
        <Tooltip {...TOOLTIP} formatter={(value, _name, item) => [`${String(value)} % of ${String((item.payload as LocationRate).total)} (${String((item.payload as LocationRate).failed)} failed)`, 'success']} />
        <Bar dataKey="rate" name="success" isAnimationActive={false} maxBarSize={14}>
          {data.map((row) => (
            <Cell key={row.name} fill={rateColour(row.rate)} />
          ))}
          <LabelList dataKey="rate" position="insideRight" formatter={percent} className="bar-label" />
        </Bar>
      </BarChart>
    </ChartCard>
  );
});

/** Memoised: the fleet overview re-renders on every push, the chart only when its data array changes. */
export const MediaUseChart = memo(function MediaUseChart({ data }: Readonly<{ data: readonly MediaUse[] }>) {
  return (
    <ChartCard title="Media capacity in use per location (fullest first)" empty="No labelled media at any location yet." rows={data.length}>
      <BarChart data={data as MediaUse[]} layout="vertical" margin={{ top: 0, right: 44, bottom: 0, left: 4 }}>
        <CartesianGrid horizontal={false} />
        <XAxis type="number" domain={[0, 100]} tickFormatter={(value: number) => `${value} %`} tickLine={false} />
        <YAxis type="category" dataKey="name" width={110} tickLine={false} axisLine={false} interval={0} />
        <Tooltip {...TOOLTIP} formatter={(_value, _name, item) => {
            const row = item.payload as MediaUse;
            return [`${percentLabel(row.used)} % · ${formatBytes(row.usedBytes)} of ${formatBytes(row.capacityBytes)} on ${row.cartridges} cartridge${row.cartridges === 1 ? '' : 's'}`, 'in use'];
          }} />
        {/* Any use above zero shows as at least a 2 px sliver. */}
        <Bar dataKey="used" name="in use" fill="var(--unknown)" isAnimationActive={false} maxBarSize={14} minPointSize={(value) => (value !== null && value !== undefined && value > 0 ? 2 : 0)}>
          <LabelList dataKey="used" position="right" formatter={(value: unknown) => `${percentLabel(Number(value))} %`} className="bar-label outside" />
        </Bar>
      </BarChart>
    </ChartCard>
  );
});
