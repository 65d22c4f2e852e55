export interface ProgressBarProps {
  /** 0…1, or null when the total is not known (an indeterminate, striped bar). */
  readonly fraction: number | null;
  readonly label: string;
}

/** A job's progress: a filled bar when the total is known, a moving stripe when it is not. */
export function ProgressBar({ fraction, label }: Readonly<ProgressBarProps>) {
  if (fraction === null) {
    return (
      <span className="progress indeterminate" role="progressbar" aria-label={label}>
        <span className="progress-fill" />
      </span>
    );
  }
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <span className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <span className="progress-fill" style={{ width: `${percent}%` }} />
    </span>
  );
}
