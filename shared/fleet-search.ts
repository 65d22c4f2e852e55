/**
 * Fleet-wide search (Ctrl/⌘+K): locations, tasks, media labels and savesets across every location.
 * The console answers from its replicas and asks the online agents for their tasks and savesets
 * within a bounded time; each group is capped, and the locations it could not ask are named.
 */
import { z } from 'zod';
import { backupDaySchema, mediaStateSchema } from './devices.js';
import { backupTypeSchema } from './engine.js';
import { locationStatusSchema } from './fleet.js';
import type { SearchGroupKind } from './search-groups.js';

export { SEARCH_GROUPS } from './search-groups.js';

/** Hits per group unless the caller asks for fewer or more (at most MAX_SEARCH_HITS). */
export const DEFAULT_SEARCH_HITS = 12;
export const MAX_SEARCH_HITS = 50;

export const searchArgsSchema = z
  .object({
    query: z.string().trim().min(1, 'type at least one character').max(128),
    limit: z.number().int().min(1).max(MAX_SEARCH_HITS).optional(),
  })
  .strict();
export type SearchArgs = z.input<typeof searchArgsSchema>;

const where = { locationId: z.uuid(), location: z.string().max(64) };

export const searchHitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('location'), ...where, status: locationStatusSchema, host: z.string().max(253) }),
  /** A task; `pool` and `sources` are null when only the replica named it (schedules, recent jobs). */
  z.object({ kind: z.literal('task'), ...where, task: z.string().max(64), pool: z.string().max(16).nullable(), sources: z.array(z.string().max(4096)).max(64).nullable() }),
  z.object({ kind: z.literal('media'), ...where, label: z.string().max(21), barcode: z.string().max(64).nullable(), pool: z.string().max(16), state: mediaStateSchema }),
  z.object({ kind: z.literal('saveset'), ...where, id: z.string().max(128), task: z.string().max(64), type: backupTypeSchema, backupDay: backupDaySchema, status: z.enum(['successful', 'warning']) }),
]);
export type SearchHit = z.infer<typeof searchHitSchema>;
export type SearchHitKind = SearchHit['kind'];
/** Every hit kind is a search group and every group a hit kind (the groups' list is zod-free, for the renderer). */
const groupsAreKinds: [SearchGroupKind, SearchHitKind] extends [SearchHitKind, SearchGroupKind] ? true : never = true;
void groupsAreKinds;

export const searchGroupSchema = z.object({
  hits: z.array(searchHitSchema).max(MAX_SEARCH_HITS),
  /** Every match found, including those beyond the cap. */
  total: z.number().int().nonnegative(),
});
export type SearchGroup = z.infer<typeof searchGroupSchema>;

/** A location whose agent was not asked or did not answer in time: its tasks and savesets may be missing. */
export const searchGapSchema = z.object({ ...where, reason: z.string().max(512) });
export type SearchGap = z.infer<typeof searchGapSchema>;

export const searchResultSchema = z.object({
  query: z.string(),
  groups: z.object({ location: searchGroupSchema, task: searchGroupSchema, media: searchGroupSchema, saveset: searchGroupSchema }),
  incomplete: z.array(searchGapSchema),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/**
 * How well `text` matches `query` (both compared case-insensitively): 0 exact, 1 prefix, 2 a word
 * starts with it, 3 contains it; null when it does not match. Lower sorts first.
 */
export function matchRank(text: string | null | undefined, query: string): number | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const haystack = text.toLowerCase();
  const needle = query.trim().toLowerCase();
  if (!needle) return null;
  if (haystack === needle) return 0;
  if (haystack.startsWith(needle)) return 1;
  const at = haystack.indexOf(needle);
  if (at < 0) return null;
  return /[^a-z0-9]/.test(haystack[at - 1] ?? '') ? 2 : 3;
}
