/** Pure summaries of a location for the overview, the table and the License info dialog. */
import type { LocationDetail } from '../../shared/console-api';
import type { DevicesState } from '../../shared/devices';
import type { LocationStatus, LocationView } from '../../shared/fleet';
import type { LicenseStatus, LicenseStatusWord } from '../../shared/license';

export interface LocationSummary {
  readonly drivesBusy: number;
  readonly drivesTotal: number;
  readonly media: number;
  readonly mediaScratch: number;
  readonly mediaFull: number;
  readonly mismatches: number;
  readonly loaders: number;
}

const BUSY_DRIVE_STATES = new Set(['loading', 'busy', 'unloading']);

export function summarizeDevices(devices: DevicesState | null | undefined): LocationSummary | null {
  if (!devices) return null;
  return {
    drivesBusy: devices.drives.filter((drive) => BUSY_DRIVE_STATES.has(drive.state)).length,
    drivesTotal: devices.drives.length,
    media: devices.media.length,
    mediaScratch: devices.media.filter((media) => media.state === 'scratch').length,
    mediaFull: devices.media.filter((media) => media.state === 'full').length,
    mismatches: devices.loaders.reduce((sum, loader) => sum + loader.mismatches.length, 0),
    loaders: devices.loaders.length,
  };
}

/** Lower is worse: invalid, expired, expiring, trial, unknown, valid. */
const LICENSE_RANK: Readonly<Record<LicenseStatusWord, number>> = { invalid: 0, expired: 1, expiring: 2, trial: 3, valid: 5 };
export function licenseRank(license: LicenseStatus | null | undefined): number {
  return license ? LICENSE_RANK[license.status] : 4;
}
export function isLicenseWarning(license: LicenseStatus | null | undefined): boolean {
  return licenseRank(license) < 4;
}

/** The colour class of a license status word. */
export function licenseTone(license: LicenseStatus | null | undefined): 'ok' | 'warn' | 'bad' | 'unknown' {
  if (!license) return 'unknown';
  if (license.status === 'valid') return 'ok';
  if (license.status === 'trial' || license.status === 'expiring') return 'warn';
  return 'bad';
}

const STATUS_RANK: Readonly<Record<LocationStatus, number>> = {
  'cert-mismatch': 0,
  'auth-failed': 0,
  'version-mismatch': 1,
  offline: 2,
  connecting: 6,
  online: 7,
};

/** Jobs running or waiting now, and backups that failed in the location's current (last) backup day. */
export function jobCounts(detail: LocationDetail | undefined): { readonly running: number; readonly waiting: number; readonly failed: number } | null {
  const jobs = detail?.jobs;
  if (!jobs) return null;
  const day = detail?.schedules?.backupDay ?? jobs.recent.reduce<string | null>((latest, job) => (latest === null || job.backupDay > latest ? job.backupDay : latest), null);
  return {
    running: jobs.active.filter((job) => job.state === 'running').length,
    waiting: jobs.active.filter((job) => job.state !== 'running').length,
    failed: jobs.recent.filter((job) => job.state === 'error' && job.backupDay === day).length,
  };
}

/** Health score for sorting, lower first: broken links, license warnings, failed jobs of the backup day, mismatching slots. */
export function healthRank(location: LocationView, detail: LocationDetail | undefined): number {
  const status = STATUS_RANK[location.status];
  if (status < 6) return status;
  const license = licenseRank(detail?.license);
  if (license < 4) return 3 + license / 10;
  if ((jobCounts(detail)?.failed ?? 0) > 0) return 4;
  if ((summarizeDevices(detail?.devices)?.mismatches ?? 0) > 0) return 5;
  return status;
}

/** Names in the user's collation, as String#localeCompare orders them, but one collator for all: sorting 1000 locations with localeCompare builds one per comparison. */
export const byName = new Intl.Collator().compare;

export function sortByHealth(
  locations: readonly LocationView[],
  details: ReadonlyMap<string, LocationDetail>,
  rankOf: (location: LocationView) => number = (location) => healthRank(location, details.get(location.id)),
): LocationView[] {
  return locations
    .map((location) => ({ location, rank: rankOf(location) }))
    .sort((a, b) => a.rank - b.rank || byName(a.location.name, b.location.name))
    .map(({ location }) => location);
}

/** License rows, warnings first (then fewest days left, then name). */
export function sortLicenseRows<T extends { readonly name: string; readonly license: LicenseStatus | null }>(rows: readonly T[]): T[] {
  return [...rows].sort(
    (a, b) => licenseRank(a.license) - licenseRank(b.license) || (a.license?.daysLeft ?? 0) - (b.license?.daysLeft ?? 0) || a.name.localeCompare(b.name),
  );
}

/** A link problem the administrator must act on (not merely connecting). */
export function isProblemLink(status: LocationStatus): boolean {
  return status !== 'online' && status !== 'connecting';
}
