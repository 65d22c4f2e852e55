/** A location's drill-down: header with status, tabs, and the chosen tab's panel. */
import { useState, type ReactNode } from 'react';
import { STATUS_WORDS } from '../../../../shared/fleet-status';
import type { LocationDetail } from '../../../../shared/console-api';
import type { LocationView as LocationViewModel } from '../../../../shared/fleet';
import { consoleApi, openLocation } from '../../bridge';
import { EmptyState } from '../../components/EmptyState';
import { LicenseCard } from '../../components/LicenseCard';
import { LicenseWord } from '../../components/LicenseWord';
import { StatusBadge } from '../../components/StatusBadge';
import { Tabs } from '../../components/Tabs';
import { formatAgo, formatDateTime, utcTitle } from '../../format';
import { summarizeDevices } from '../../health';
import { useActions, useDetailFetch, useLocation, useLocationDetail } from '../../store/store';
import { LOCATION_TABS, type LocationTab } from '../../store/ui-slice';
import { useNow } from '../../use-now';
import { CalendarTab } from './calendar/CalendarTab';
import { DrivesTab } from './DrivesTab';
import { EventsTab } from './events/EventsTab';
import { JobsTab } from './jobs/JobsTab';
import { MediaTab } from './MediaTab';
import { RestoreTab } from './restore/RestoreTab';

export interface LocationViewProps {
  readonly id: string;
  readonly tab: LocationTab;
  readonly focus: string | null;
}

function RemoveButton({ location }: Readonly<{ location: LocationViewModel }>) {
  const [confirming, setConfirming] = useState(false);
  const actions = useActions();
  const remove = (): void => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    actions.fleetOverviewOpened();
    void consoleApi().removeLocation({ id: location.id });
  };
  return (
    <button type="button" className={confirming ? 'danger' : ''} onClick={remove} onBlur={() => setConfirming(false)} aria-label={confirming ? `Confirm removing ${location.name}` : `Remove ${location.name}`}>
      {confirming ? 'Confirm remove' : 'Remove'}
    </button>
  );
}

function OverviewTab({ location, detail, now }: Readonly<{ location: LocationViewModel; detail: LocationDetail | undefined; now: number }>) {
  const summary = summarizeDevices(detail?.devices);
  return (
    <div className="overview-tab">
      <section className="card" aria-label="Identity">
        <h3>Identity</h3>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{location.name}</dd>
          <dt>Address</dt>
          <dd>
            {location.host}:{location.port}
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={location.status} />
            {location.detail ? <span className="muted"> · {location.detail}</span> : null}
          </dd>
          <dt>Last seen</dt>
          <dd title={utcTitle(location.lastSeen)}>{location.status === 'online' ? 'now' : `${formatAgo(location.lastSeen, now)} (${formatDateTime(location.lastSeen)})`}</dd>
          <dt>Agent</dt>
          <dd>{location.agent ? `${location.agent.name} · version ${location.agent.version}` : '—'}</dd>
          <dt>Agent id</dt>
          <dd>
            <code>{location.agent?.agentId ?? '—'}</code>
          </dd>
          <dt>Fingerprint</dt>
          <dd>
            <code className="wrap">{location.fingerprint}</code>
          </dd>
        </dl>
        <div className="actions">
          <RemoveButton location={location} />
        </div>
      </section>
      <section className="card" aria-label="Counts">
        <h3>Devices and media</h3>
        {summary ? (
          <dl className="facts">
            <dt>Loaders</dt>
            <dd>{summary.loaders}</dd>
            <dt>Drives busy</dt>
            <dd>
              {summary.drivesBusy} / {summary.drivesTotal}
            </dd>
            <dt>Media</dt>
            <dd>
              {summary.media} ({summary.mediaScratch} scratch, {summary.mediaFull} full)
            </dd>
            <dt>Pools</dt>
            <dd>{detail?.devices?.pools.length ?? 0}</dd>
            <dt>Slot mismatches</dt>
            <dd className={summary.mismatches > 0 ? 'tone-warn' : undefined}>{summary.mismatches}</dd>
            <dt>License</dt>
            <dd>
              <LicenseWord license={detail?.license} withDays />
            </dd>
          </dl>
        ) : (
          <p className="muted">No device state received from this location yet.</p>
        )}
      </section>
    </div>
  );
}

export function LocationView({ id, tab, focus }: Readonly<LocationViewProps>) {
  const location = useLocation(id);
  const detail = useLocationDetail(id);
  const fetch = useDetailFetch(id);
  const actions = useActions();
  const now = useNow(15_000);
  if (!location) {
    return (
      <EmptyState title="This location is no longer registered">
        <button type="button" onClick={actions.fleetOverviewOpened}>
          Back to the fleet overview
        </button>
      </EmptyState>
    );
  }
  const online = location.status === 'online';
  const stale = !online;
  const devices = detail?.devices ?? null;
  const status = location.status;

  /** A tab that needs one part of the replica: loading, error, not yet received, or the tab. */
  function needs<T>(part: T | null | undefined, what: string, render: (value: T) => ReactNode): ReactNode {
    if (part !== null && part !== undefined) return render(part);
    if (fetch?.state === 'error') {
      return (
        <EmptyState title="Could not read this location’s state" tone="error">
          <p>{fetch.message}</p>
          <button type="button" onClick={() => openLocation(id, tab)}>
            Try again
          </button>
        </EmptyState>
      );
    }
    if (fetch?.state === 'loading' || !detail) return <EmptyState title={`Loading the location’s ${what}…`} tone="loading" />;
    return (
      <EmptyState title={`No ${what} state yet`}>
        {online ? `The agent has not sent its ${what} yet (an agent without the backup engine never does).` : `The location has not been online since the console started. Status: ${STATUS_WORDS[status]}.`}
      </EmptyState>
    );
  }
  const needsDevices = (render: (d: NonNullable<typeof devices>) => ReactNode): ReactNode => needs(devices, 'devices', render);

  let panel: ReactNode;
  if (tab === 'Overview') panel = <OverviewTab location={location} detail={detail} now={now} />;
  else if (tab === 'Jobs') panel = needs(detail?.jobs, 'jobs', (jobs) => <JobsTab key={focus ?? ''} locationId={id} jobs={jobs} canAct={online} task={focus} />);
  else if (tab === 'Calendar') panel = needs(detail?.schedules, 'schedules', (schedules) => <CalendarTab locationId={id} jobs={detail?.jobs ?? null} schedules={schedules} />);
  else if (tab === 'Restore') panel = needs(detail?.jobs, 'jobs', (jobs) => (online ? <RestoreTab key={focus ?? ''} locationId={id} jobs={jobs} canAct={online} saveset={focus} /> : <EmptyState title="Restore needs the location online">Browsing a saveset reads the location’s catalog; it is back when the location is.</EmptyState>));
  else if (tab === 'Events') panel = needs(detail, 'state', (d) => <EventsTab locationId={id} detail={d} canAct={online} />);
  else if (tab === 'Drives & loaders') panel = needsDevices((d) => <DrivesTab locationId={id} devices={d} canAct={online} focus={focus} />);
  else if (tab === 'Media') panel = needsDevices((d) => <MediaTab locationId={id} devices={d} canAct={online} focus={focus} />);
  else {
    panel = detail?.license ? (
      <div className="license-tab">
        <LicenseCard license={detail.license} />
        <p className="muted">
          Install a license file on the backup server with <code>floe-agent license install FILE</code>.
        </p>
      </div>
    ) : fetch?.state === 'loading' ? (
      <EmptyState title="Loading the license…" tone="loading" />
    ) : (
      <EmptyState title="No license status received yet">The agent reports its license in its first snapshot.</EmptyState>
    );
  }

  return (
    <section className={`location-view${stale ? ' stale' : ''}`} aria-label={`Location ${location.name}`}>
      <header className="view-header">
        <h1>{location.name}</h1>
        <StatusBadge status={location.status} />
        <span className="muted">
          {location.host}:{location.port}
          {location.agent ? ` · agent ${location.agent.version}` : ''}
        </span>
        <span className="spacer" />
        {detail?.license ? <LicenseWord license={detail.license} withDays /> : null}
      </header>
      {stale ? (
        <p className="stale-banner" role="status">
          {STATUS_WORDS[location.status]}
          {location.status === 'connecting' ? '' : ` · last seen ${formatAgo(location.lastSeen, now)}`}
          {location.detail ? ` · ${location.detail}` : ''} — showing the last known state.
        </p>
      ) : null}
      <Tabs tabs={LOCATION_TABS} active={tab} onChoose={actions.locationTabChosen} label={`${location.name} views`} idPrefix="location-tab" />
      <div className="tab-panel" id="location-tab-panel" role="tabpanel" aria-label={tab}>
        {panel}
      </div>
    </section>
  );
}
