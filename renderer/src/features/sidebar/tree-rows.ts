/** The sidebar's topology tree flattened into rows (pure, so filtering is testable and fast). */
import type { LocationDetail } from '../../../../shared/console-api';
import { STATUS_WORDS } from '../../../../shared/fleet-status';
import type { LocationView } from '../../../../shared/fleet';

export type TreeRow =
  | { readonly kind: 'group'; readonly key: string; readonly label: string }
  | { readonly kind: 'overview'; readonly key: string }
  | { readonly kind: 'fleet-calendar'; readonly key: string }
  | { readonly kind: 'alarms'; readonly key: string }
  | { readonly kind: 'location'; readonly key: string; readonly id: string; readonly name: string }
  | { readonly kind: 'loader'; readonly key: string; readonly id: string; readonly name: string }
  | { readonly kind: 'drive'; readonly key: string; readonly id: string; readonly loader: string; readonly number: number; readonly text: string }
  | { readonly kind: 'pool'; readonly key: string; readonly id: string; readonly name: string; readonly count: number }
  | { readonly kind: 'media'; readonly key: string; readonly id: string; readonly label: string; readonly pool: string };

const has = (text: string | null | undefined, query: string): boolean => typeof text === 'string' && text.toLowerCase().includes(query);

function childRows(id: string, detail: LocationDetail | undefined, query: string): TreeRow[] {
  const devices = detail?.devices;
  if (!devices) return [];
  const rows: TreeRow[] = [];
  for (const loader of devices.loaders) {
    const drives = devices.drives.filter((drive) => drive.loader === loader.name).sort((a, b) => a.number - b.number);
    const matchingDrives = query ? drives.filter((drive) => has(drive.barcode, query) || has(drive.media, query)) : drives;
    if (query && !has(loader.name, query) && matchingDrives.length === 0) continue;
    rows.push({ kind: 'loader', key: `${id}/l/${loader.name}`, id, name: loader.name });
    for (const drive of query && !has(loader.name, query) ? matchingDrives : drives) {
      rows.push({ kind: 'drive', key: `${id}/d/${loader.name}/${drive.number}`, id, loader: loader.name, number: drive.number, text: drive.media ?? drive.barcode ?? drive.state });
    }
  }
  for (const pool of devices.pools) {
    if (query && !has(pool.name, query)) continue;
    rows.push({ kind: 'pool', key: `${id}/p/${pool.name}`, id, name: pool.name, count: devices.media.filter((media) => media.pool === pool.name).length });
  }
  if (query) {
    for (const media of devices.media) {
      if (has(media.label, query) || has(media.barcode, query)) rows.push({ kind: 'media', key: `${id}/m/${media.label}`, id, label: media.label, pool: media.pool });
    }
  }
  return rows;
}

/** One row object per location view (a push replaces the view): unchanged locations keep their row, so comparing the tree's rows is mostly identity checks. */
const locationRows = new WeakMap<LocationView, TreeRow>();

function locationRow(location: LocationView): TreeRow {
  let row = locationRows.get(location);
  if (!row) {
    row = { kind: 'location', key: location.id, id: location.id, name: location.name };
    locationRows.set(location, row);
  }
  return row;
}

/**
 * Overview, Calendar and Alarms of the fleet, then the locations (in the given order). The selected location shows its loaders,
 * drives and pools; with a filter, a location shows when it or any of its devices or media match.
 */
export function treeRows(
  order: readonly string[],
  locations: ReadonlyMap<string, LocationView>,
  details: ReadonlyMap<string, LocationDetail>,
  selectedId: string | null,
  filter: string,
): TreeRow[] {
  const query = filter.trim().toLowerCase();
  const rows: TreeRow[] = [
    { kind: 'group', key: 'g-fleet', label: 'Fleet' },
    { kind: 'overview', key: 'overview' },
    { kind: 'fleet-calendar', key: 'fleet-calendar' },
    { kind: 'alarms', key: 'alarms' },
    { kind: 'group', key: 'g-locations', label: 'Locations' },
  ];
  for (const id of order) {
    const location = locations.get(id);
    if (!location) continue;
    const selfMatch = !query || has(location.name, query) || has(location.host, query) || has(STATUS_WORDS[location.status], query);
    const children = query ? childRows(id, details.get(id), query) : id === selectedId ? childRows(id, details.get(id), '') : [];
    if (!selfMatch && children.length === 0) continue;
    rows.push(locationRow(location));
    rows.push(...(query && selfMatch && id === selectedId && children.length === 0 ? childRows(id, details.get(id), '') : children));
  }
  return rows;
}
