import { STATUS_WORDS, type LocationStatus } from '../../../shared/fleet-status';

const GLYPHS: Readonly<Record<LocationStatus, string>> = {
  online: '●',
  connecting: '◐',
  offline: '○',
  'auth-failed': '⚠',
  'cert-mismatch': '⚠',
  'version-mismatch': '⚠',
};

export interface StatusBadgeProps {
  readonly status: LocationStatus;
}

/** The one status word of a location, with its glyph and colour. */
export function StatusBadge({ status }: Readonly<StatusBadgeProps>) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span className="status-glyph" aria-hidden="true">
        {GLYPHS[status]}
      </span>
      <span className="status-word">{STATUS_WORDS[status]}</span>
    </span>
  );
}
