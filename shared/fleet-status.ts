/**
 * A location's connection status and its words, without schemas: the renderer's first render
 * imports these, and zod stays out of its main chunk (the schema is in fleet.ts).
 */
export const LOCATION_STATUSES = [
  'connecting',
  'online',
  'offline',
  'auth-failed',
  'cert-mismatch',
  'version-mismatch',
] as const;
export type LocationStatus = (typeof LOCATION_STATUSES)[number];

/** The one status word each location shows (stable UI names). */
export const STATUS_WORDS: Readonly<Record<LocationStatus, string>> = {
  connecting: 'Connecting',
  online: 'Online',
  offline: 'Offline',
  'auth-failed': 'Auth failed',
  'cert-mismatch': 'Certificate mismatch',
  'version-mismatch': 'Version mismatch',
};

/** Statuses that need the administrator's attention before anything else (sorted first). */
export function isProblemStatus(status: LocationStatus): boolean {
  return status !== 'online' && status !== 'connecting';
}
