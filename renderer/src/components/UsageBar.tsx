import { formatBytes } from '../format';

export interface UsageBarProps {
  readonly used: number;
  readonly capacity: number;
  readonly label?: string;
}

/** Used / capacity as a thin bar with the numbers beside it. */
export function UsageBar({ used, capacity, label }: Readonly<UsageBarProps>) {
  const ratio = capacity > 0 ? Math.min(1, used / capacity) : 0;
  const percent = Math.round(ratio * 100);
  return (
    <span className="usage" title={`${formatBytes(used)} of ${formatBytes(capacity)}`}>
      <span className="usage-bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={label ?? 'Used'}>
        <span className="usage-fill" style={{ width: `${percent}%` }} />
      </span>
      <span className="usage-text">{percent} %</span>
    </span>
  );
}
