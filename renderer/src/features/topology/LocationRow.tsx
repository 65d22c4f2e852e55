import { useState } from 'react';
import { StatusBadge } from '../../components/StatusBadge';
import { formatAgo } from '../../format';
import { useLocation } from '../../store/store';
import { consoleApi } from '../../bridge';
import { useNow } from '../../use-now';

export interface LocationRowProps {
  readonly id: string;
}

export function LocationRow({ id }: Readonly<LocationRowProps>) {
  const location = useLocation(id);
  const now = useNow(10_000);
  const [confirming, setConfirming] = useState(false);
  if (!location) return null;
  const remove = (): void => {
    if (!confirming) {
      setConfirming(true);
      return;
    }
    void consoleApi().removeLocation({ id });
  };
  return (
    <li className="location-row" data-location={location.name} aria-label={location.name}>
      <StatusBadge status={location.status} />
      <span className="location-name">{location.name}</span>
      <span className="location-address">
        {location.host}:{location.port}
      </span>
      <span className="location-detail">
        {location.status === 'online'
          ? `${location.agent?.version ? `agent ${location.agent.version}` : ''}`
          : `${location.status === 'offline' ? `last seen ${formatAgo(location.lastSeen, now)}` : ''}${location.detail ? ` · ${location.detail}` : ''}`}
      </span>
      <button type="button" className={confirming ? 'danger' : ''} onClick={remove} onBlur={() => setConfirming(false)} aria-label={confirming ? `Confirm removing ${location.name}` : `Remove ${location.name}`}>
        {confirming ? 'Confirm remove' : 'Remove'}
      </button>
    </li>
  );
}
