import type { LicenseStatus } from '../../../shared/license';
import { formatDay, formatLimit, utcTitle } from '../format';
import { LicenseWord } from './LicenseWord';

export interface LicenseCardProps {
  readonly license: LicenseStatus;
}

/** Binding of a license as one line: "server hq-berlin, IP 10.0.0.5". */
export function bindingText(license: LicenseStatus): string {
  const parts = [license.server ? `server ${license.server}` : null, license.ip ? `IP ${license.ip}` : null].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(', ') : '—';
}

export function limitsText(license: LicenseStatus): string {
  const capacity = license.limits.capacityTiB === null ? '' : ` · ${license.limits.capacityTiB} TiB`;
  return `drives ${formatLimit(license.usage.drives, license.limits.drives)} · loaders ${formatLimit(license.usage.loaders, license.limits.loaders)}${capacity}`;
}

/** One location's license: status, edition, modules, limits and use, expiry, binding, licensee. */
export function LicenseCard({ license }: Readonly<LicenseCardProps>) {
  return (
    <section className="card license-card" aria-label="License">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <LicenseWord license={license} />
        </dd>
        <dt>Edition</dt>
        <dd>{license.edition ?? '—'}</dd>
        <dt>Modules</dt>
        <dd>{license.modules.length > 0 ? license.modules.join(', ') : '—'}</dd>
        <dt>Limits and use</dt>
        <dd>{limitsText(license)}</dd>
        <dt>Expires</dt>
        <dd title={utcTitle(license.expires)}>{formatDay(license.expires)}</dd>
        <dt>Days left</dt>
        <dd>{license.status === 'invalid' ? '—' : license.daysLeft}</dd>
        <dt>Bound to</dt>
        <dd>{bindingText(license)}</dd>
        <dt>Licensee</dt>
        <dd>{license.licensee ?? '—'}</dd>
        <dt>License id</dt>
        <dd>{license.licenseId ?? '—'}</dd>
        <dt>Support until</dt>
        <dd>{formatDay(license.supportExpires)}</dd>
      </dl>
      {license.reason ? <p className="note tone-warn">{license.reason}</p> : null}
    </section>
  );
}
