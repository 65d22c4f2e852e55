/**
 * The location's license: the trial from the first start, or an installed license signed by a
 * trusted vendor key and bound to this server. Refused licenses never replace the one in force.
 * A periodic check re-reads the license and the keys and publishes a delta when the status changes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { FloeError } from '../../shared/errors.js';
import type { LicenseStatus } from '../../shared/license.js';
import { readSecretFile, writeSecretFile } from '../secure-files.js';
import type { AgentContext } from '../server/context.js';
import { LicenseClockStore } from './clock-store.js';
import { builtInVendorKeys, keyFingerprint, parsePublicKey, publicKeyPem, type TrustedKey } from './keys.js';
import { licensePaths, type LicensePaths } from './paths.js';
import { computeStatus, type Installed, type LicenseUsage } from './status.js';
import { checkLicenseText } from './verify.js';

export const DEFAULT_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Copies of replaced licenses kept in previous/. */
const PREVIOUS_KEPT = 20;

export interface LicenseServiceOptions {
  /** Drives and loaders in use, reported beside the limits. */
  readonly usage: () => LicenseUsage;
  /** The machine's addresses, for licenses bound to one (default: all interface addresses). */
  readonly addresses?: () => readonly string[];
  /** Vendor public keys trusted without `license trust` (default: the key shipped in assets/license/). */
  readonly builtInKeys?: readonly string[];
}

export interface Disposable {
  dispose(): void;
}

export function machineAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
}

export class LicenseService {
  private readonly paths: LicensePaths;
  private readonly clockStore: LicenseClockStore;
  private readonly trialStartedAt: Date;
  private readonly builtIn: TrustedKey[];
  private installed: Installed = null;
  private lastCheck: Date;
  private published: string;
  private lastPublished: LicenseStatus | null = null;

  constructor(
    private readonly ctx: AgentContext,
    private readonly options: LicenseServiceOptions,
  ) {
    this.paths = licensePaths(ctx.paths.root);
    this.clockStore = new LicenseClockStore(ctx.db);
    this.trialStartedAt = this.clockStore.firstStart(ctx.clock());
    this.builtIn = (options.builtInKeys ?? builtInVendorKeys()).flatMap((pem) => this.keyOrNothing(pem, 'built-in vendor key'));
    this.lastCheck = this.now();
    this.installed = this.readInstalled();
    this.published = comparable(this.status());
  }

  status(): LicenseStatus {
    return computeStatus({ installed: this.installed, trialStartedAt: this.trialStartedAt, now: this.now(), lastCheck: this.lastCheck, usage: this.options.usage() });
  }

  /** For the backup engine: throws LICENSE when backups must stop. Restores, browsing and verify never call it. */
  assertBackupAllowed(): void {
    const status = this.status();
    if (status.status === 'expired' || status.status === 'invalid') {
      throw new FloeError('LICENSE', `backups are not allowed: ${status.reason ?? status.status}`);
    }
  }

  /** Checks `text` fully; installs it only when it passes, keeping a copy of the license it replaces. */
  install(text: string): LicenseStatus {
    const check = checkLicenseText(text, this.trustedKeys(), this.binding());
    if (!check.ok) throw new FloeError('LICENSE', `license refused: ${check.reason}. The current license stays in force.`);
    const now = this.now();
    if (Date.parse(check.license.expires) <= now.getTime()) {
      throw new FloeError('LICENSE', `license refused: it expired on ${check.license.expires.slice(0, 10)}; ask the vendor for a renewed license. The current license stays in force.`);
    }
    mkdirSync(this.paths.previousDir, { recursive: true, mode: 0o700 });
    if (existsSync(this.paths.current)) {
      const stamp = now.toISOString().replace(/[:.]/g, '-');
      let copy = join(this.paths.previousDir, `license-${stamp}.json`);
      for (let n = 2; existsSync(copy); n += 1) copy = join(this.paths.previousDir, `license-${stamp}-${n}.json`);
      writeSecretFile(copy, readFileSync(this.paths.current));
      this.prunePrevious();
    }
    writeSecretFile(this.paths.current, text);
    this.ctx.logger.info({ id: check.license.id, edition: check.license.edition, expires: check.license.expires, key: check.signer.fingerprint }, 'license installed');
    this.installed = { ok: true, license: check.license };
    this.lastCheck = now;
    return this.publishIfChanged(true);
  }

  /** Trusts a vendor public key (Ed25519, PEM) for signing licenses. */
  trust(pem: string): { fingerprint: string } {
    const key = parsePublicKey(pem);
    const fingerprint = keyFingerprint(key);
    mkdirSync(this.paths.trustedKeysDir, { recursive: true, mode: 0o700 });
    const file = join(this.paths.trustedKeysDir, `${fingerprint.slice('SHA256:'.length).replace(/:/g, '').slice(0, 32).toLowerCase()}.pem`);
    writeSecretFile(file, publicKeyPem(key));
    this.ctx.logger.info({ key: fingerprint }, 'license vendor key trusted');
    this.check();
    return { fingerprint };
  }

  /** Re-reads the license and the keys, recomputes the status and publishes it when it changed. */
  check(): LicenseStatus {
    this.installed = this.readInstalled();
    this.lastCheck = this.now();
    return this.publishIfChanged(false);
  }

  /** The status as last published: what every console's replica holds (snapshots use it). */
  publishedStatus(): LicenseStatus {
    return this.lastPublished ?? this.status();
  }

  /** Publishes the status again if the usage (drives, loaders) or the days left changed; no new check. */
  refreshUsage(): LicenseStatus {
    return this.publishIfChanged(false);
  }

  startPeriodicCheck(intervalMs = DEFAULT_CHECK_INTERVAL_MS): Disposable {
    const timer = setInterval(() => {
      try {
        this.check();
      } catch (error) {
        this.ctx.logger.error({ err: error }, 'license check failed');
      }
    }, intervalMs);
    timer.unref();
    return { dispose: () => clearInterval(timer) };
  }

  private publishIfChanged(always: boolean): LicenseStatus {
    const status = this.status();
    const key = comparable(status);
    if (key === this.published && !always) return status;
    const before = JSON.parse(this.published) as { status?: string };
    this.published = key;
    this.lastPublished = status;
    if (status.status === 'expiring' && before.status !== 'expiring') this.ctx.logger.warn({ expires: status.expires, daysLeft: status.daysLeft }, status.reason ?? 'license expiring');
    if (status.status === 'expired' || status.status === 'invalid') this.ctx.logger.warn({ status: status.status }, status.reason ?? 'license not in force');
    this.ctx.publisher.publish({ domain: 'license', change: { status } });
    return status;
  }

  private now(): Date {
    return this.clockStore.effectiveNow(this.ctx.clock());
  }

  private binding() {
    return { serverName: this.ctx.config.name, addresses: (this.options.addresses ?? machineAddresses)() };
  }

  private readInstalled(): Installed {
    if (!existsSync(this.paths.current)) return null;
    let text: string;
    try {
      text = readSecretFile(this.paths.current);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    const check = checkLicenseText(text, this.trustedKeys(), this.binding());
    return check.ok ? { ok: true, license: check.license } : { ok: false, reason: check.reason };
  }

  private trustedKeys(): TrustedKey[] {
    const dir = this.paths.trustedKeysDir;
    const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.pem')).sort() : [];
    return [...this.builtIn, ...files.flatMap((name) => this.keyOrNothing(() => readSecretFile(join(dir, name)), join(dir, name)))];
  }

  private keyOrNothing(pem: string | (() => string), source: string): TrustedKey[] {
    try {
      const key = parsePublicKey(typeof pem === 'string' ? pem : pem());
      return [{ fingerprint: keyFingerprint(key), key }];
    } catch (error) {
      this.ctx.logger.warn({ source, err: error }, 'vendor key ignored');
      return [];
    }
  }

  private prunePrevious(): void {
    const copies = readdirSync(this.paths.previousDir).filter((name) => name.startsWith('license-')).sort();
    for (const name of copies.slice(0, Math.max(0, copies.length - PREVIOUS_KEPT))) rmSync(join(this.paths.previousDir, name), { force: true });
  }
}

/** The status without the time of the check, to tell whether anything a console shows changed. */
function comparable(status: LicenseStatus): string {
  const { lastCheck: _lastCheck, ...rest } = status;
  return JSON.stringify(rest);
}
