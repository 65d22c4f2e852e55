/** The license status as of a moment: pure, so trial and expiry rules are tested with exact times. */
import type { License, LicenseStatus } from '../../shared/license.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const TRIAL_DAYS = 30;
/** A license (or the trial) is "expiring" from this many days before its end. */
export const EXPIRING_DAYS = 7;
/** The trial unlocks every module, with no limits. */
export const TRIAL_MODULES = ['hooks', 'tape', 'vtl'] as const;

export interface LicenseUsage {
  readonly drives: number;
  readonly loaders: number;
}

/** What is installed: nothing (the trial runs), a checked license, or a license that no longer checks. */
export type Installed = { readonly ok: true; readonly license: License } | { readonly ok: false; readonly reason: string } | null;

export interface StatusFacts {
  readonly installed: Installed;
  readonly trialStartedAt: Date;
  /** max(clock, highest time ever seen): moving the clock back changes nothing. */
  readonly now: Date;
  readonly lastCheck: Date;
  readonly usage: LicenseUsage;
}

const NO_LIMITS = { drives: null, loaders: null, capacityTiB: null };
const RENEW = 'install a license with: floe-agent license install FILE';

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function timing(expires: Date, now: Date): { word: 'ok' | 'expiring' | 'expired'; daysLeft: number } {
  const left = expires.getTime() - now.getTime();
  if (left <= 0) return { word: 'expired', daysLeft: 0 };
  return { word: left <= EXPIRING_DAYS * DAY_MS ? 'expiring' : 'ok', daysLeft: Math.ceil(left / DAY_MS) };
}

export function computeStatus(facts: StatusFacts): LicenseStatus {
  const common = {
    usage: { drives: facts.usage.drives, loaders: facts.usage.loaders },
    trialStartedAt: facts.trialStartedAt.toISOString(),
    lastCheck: facts.lastCheck.toISOString(),
  };
  const { installed } = facts;
  if (installed === null) {
    const expires = new Date(facts.trialStartedAt.getTime() + TRIAL_DAYS * DAY_MS);
    const { word, daysLeft } = timing(expires, facts.now);
    const reason =
      word === 'expired'
        ? `the ${TRIAL_DAYS}-day trial ended on ${day(expires)}; backups are stopped (restores still work); ${RENEW}`
        : `trial: ${daysLeft} day${daysLeft === 1 ? '' : 's'} left (ends ${day(expires)}); ${RENEW}`;
    return {
      ...common,
      status: word === 'ok' ? 'trial' : word,
      edition: 'trial',
      modules: [...TRIAL_MODULES],
      limits: NO_LIMITS,
      licenseId: null,
      licensee: null,
      server: null,
      ip: null,
      issued: null,
      expires: expires.toISOString(),
      supportExpires: null,
      daysLeft,
      reason,
    };
  }
  if (!installed.ok) {
    return {
      ...common,
      status: 'invalid',
      edition: null,
      modules: [],
      limits: NO_LIMITS,
      licenseId: null,
      licensee: null,
      server: null,
      ip: null,
      issued: null,
      expires: null,
      supportExpires: null,
      daysLeft: 0,
      reason: `the installed license is invalid: ${installed.reason}; backups are stopped (restores still work)`,
    };
  }
  const { license } = installed;
  const { word, daysLeft } = timing(new Date(license.expires), facts.now);
  const reason =
    word === 'expired'
      ? `the license expired on ${day(new Date(license.expires))}; backups are stopped (restores still work); install a renewed license with: floe-agent license install FILE`
      : word === 'expiring'
        ? `the license expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${day(new Date(license.expires))}); install a renewed license with: floe-agent license install FILE`
        : null;
  return {
    ...common,
    status: word === 'ok' ? 'valid' : word,
    edition: license.edition,
    modules: [...license.modules],
    limits: license.limits,
    licenseId: license.id,
    licensee: license.licensee,
    server: license.server,
    ip: license.ip ?? null,
    issued: license.issued,
    expires: license.expires,
    supportExpires: license.supportExpires,
    daysLeft,
    reason,
  };
}
