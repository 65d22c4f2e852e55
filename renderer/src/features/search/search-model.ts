/** Pure helpers of the search palette: the flat option list, each hit's words and where Enter jumps. */
import type { SearchHit, SearchHitKind, SearchResult } from '../../../../shared/fleet-search';
import { SEARCH_GROUPS } from '../../../../shared/search-groups';
import { STATUS_WORDS } from '../../../../shared/fleet-status';
import type { LocationTab } from '../../store/ui-slice';

export const GROUP_TITLES: Readonly<Record<SearchHitKind, string>> = { location: 'Locations', task: 'Tasks', media: 'Media', saveset: 'Savesets' };

export interface SearchOption {
  /** Stable DOM id (aria-activedescendant). */
  readonly key: string;
  readonly hit: SearchHit;
}

/** Options in display order (groups in a fixed order), for arrow keys. */
export function flattenResult(result: SearchResult | null): SearchOption[] {
  if (!result) return [];
  return SEARCH_GROUPS.flatMap((kind) => result.groups[kind].hits.map((hit, index) => ({ key: `search-${kind}-${index}`, hit })));
}

/** The main words of a hit, and the quieter detail beside them. */
export function describeHit(hit: SearchHit): { readonly title: string; readonly detail: string } {
  switch (hit.kind) {
    case 'location':
      return { title: hit.location, detail: `${STATUS_WORDS[hit.status]} · ${hit.host}` };
    case 'task':
      return { title: hit.task, detail: `${hit.location}${hit.pool ? ` · pool ${hit.pool}` : ''}${hit.sources ? ` · ${hit.sources.join(', ')}` : ' · last known'}` };
    case 'media':
      return { title: hit.label, detail: `${hit.location} · pool ${hit.pool} · ${hit.state}${hit.barcode && hit.barcode !== hit.label ? ` · barcode ${hit.barcode}` : ''}` };
    case 'saveset':
      return { title: hit.id, detail: `${hit.location} · ${hit.task} · ${hit.type} · backup day ${hit.backupDay}${hit.status === 'warning' ? ' · warning' : ''}` };
  }
}

/** Where choosing a hit goes: the location's tab and the item it focuses. */
export function jumpTarget(hit: SearchHit): { readonly id: string; readonly tab: LocationTab; readonly focus: string | null } {
  switch (hit.kind) {
    case 'location':
      return { id: hit.locationId, tab: 'Overview', focus: null };
    case 'task':
      return { id: hit.locationId, tab: 'Jobs', focus: hit.task };
    case 'media':
      return { id: hit.locationId, tab: 'Media', focus: hit.label };
    case 'saveset':
      return { id: hit.locationId, tab: 'Restore', focus: hit.id };
  }
}

/** Where a hit jumps, in words (the option's accessible description). */
export function jumpWords(hit: SearchHit): string {
  const { tab } = jumpTarget(hit);
  return `opens ${hit.location} · ${tab}`;
}
