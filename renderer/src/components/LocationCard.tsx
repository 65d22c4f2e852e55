import type { LocationDetail } from '../../../shared/console-api';
import type { LocationView } from '../../../shared/fleet';
import { formatAgo, utcTitle } from '../format';
import { jobCounts, summarizeDevices } from '../health';
import { LicenseWord } from './LicenseWord';
import { StatusBadge } from './StatusBadge';

export interface LocationCardProps {
  readonly location: LocationView;
  readonly detail: LocationDetail | undefined;
  readonly now: number;
  readonly onOpen: (id: string) => void;
}

/** A location at a glance: status word, last seen, agent version, drives, media, license. */
export function LocationCard({ location, detail, now, onOpen }: Readonly<LocationCardProps>) {
  const summary = summarizeDevices(detail?.devices);
  const jobs = jobCounts(detail);
  const online = location.status === 'online';
  return (
    <article className={`location-card card${online ? '' : ' stale'}`} aria-label={location.name} data-location={location.name}>
      <header>
        <button type="button" className="link strong" onClick={() => onOpen(location.id)}>
          {location.name}
        </button>
        <StatusBadge status={location.status} />
      </header>
      <p className="muted small" title={utcTitle(location.lastSeen)}>
        {online ? `agent ${location.agent?.version ?? '?'}` : `last seen ${formatAgo(location.lastSeen, now)}`}
        {location.detail && !online ? ` · ${location.detail}` : ''}
      </p>
      <dl className="card-facts">
        <dt>Jobs</dt>
        <dd>
          {jobs ? (
            <>
              {jobs.running} running{jobs.waiting > 0 ? ` · ${jobs.waiting} waiting` : ''} · <span className={jobs.failed > 0 ? 'tone-bad' : undefined}>{jobs.failed} failed</span>
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>Drives busy</dt>
        <dd>{summary ? `${summary.drivesBusy}/${summary.drivesTotal}` : '—'}</dd>
        <dt>Media</dt>
        <dd>{summary ? `${summary.media} · ${summary.mediaScratch} scratch` : '—'}</dd>
        <dt>License</dt>
        <dd>
          <LicenseWord license={detail?.license} withDays />
        </dd>
        {summary && summary.mismatches > 0 ? (
          <>
            <dt>Mismatches</dt>
            <dd className="tone-warn">⚑ {summary.mismatches}</dd>
          </>
        ) : null}
      </dl>
    </article>
  );
}
