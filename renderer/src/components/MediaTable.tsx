import type { Media, MediaLocation } from '../../../shared/devices';
import { formatBytes, formatDay, utcTitle } from '../format';
import { UsageBar } from './UsageBar';
import { VirtualRows } from './VirtualRows';

export interface MediaTableProps {
  readonly media: readonly Media[];
}

export function mediaPlace(location: MediaLocation): string {
  switch (location.kind) {
    case 'slot':
      return `${location.loader} slot ${location.element}`;
    case 'ie':
      return `${location.loader} I/E ${location.element}`;
    case 'drive':
      return `${location.loader} drive ${location.drive}`;
    case 'outside':
      return 'outside';
  }
}

const STATE_TONE: Readonly<Record<Media['state'], string>> = { scratch: 'ok', append: 'ok', full: 'unknown', expired: 'unknown', error: 'bad' };

/** The cartridges of a location (virtualised). */
export function MediaTable({ media }: Readonly<MediaTableProps>) {
  const header = (
    <div className="media-row table-head" role="row">
      <span role="columnheader">Label</span>
      <span role="columnheader">Barcode</span>
      <span role="columnheader">Pool</span>
      <span role="columnheader">State</span>
      <span role="columnheader">Used</span>
      <span role="columnheader">Capacity</span>
      <span role="columnheader">Locked until</span>
      <span role="columnheader">Location</span>
    </div>
  );
  return (
    <VirtualRows
      className="media-table"
      role="table"
      label="Media"
      header={header}
      count={media.length}
      rowHeight={30}
      renderRow={(index) => {
        const item = media[index];
        if (!item) return null;
        return (
          <div className="media-row" role="row" data-label={item.label}>
            <span role="cell" className="strong">
              {item.label}
            </span>
            <span role="cell">{item.barcode ?? '—'}</span>
            <span role="cell">{item.pool}</span>
            <span role="cell" className={`tone-${STATE_TONE[item.state]}`}>
              {item.state}
              {item.writeProtected ? ' · protected' : ''}
            </span>
            <span role="cell">
              <UsageBar used={item.used} capacity={item.capacity} label={`Used of ${item.label}`} />
            </span>
            <span role="cell">{formatBytes(item.capacity)}</span>
            <span role="cell" title={utcTitle(item.lockedUntil)}>
              {formatDay(item.lockedUntil)}
            </span>
            <span role="cell">{mediaPlace(item.location)}</span>
          </div>
        );
      }}
    />
  );
}
