/** The fleet search's groups in display order, without schemas (fleet-search.ts checks its hit kinds against them). */
export const SEARCH_GROUPS = ['location', 'task', 'media', 'saveset'] as const;
export type SearchGroupKind = (typeof SEARCH_GROUPS)[number];
