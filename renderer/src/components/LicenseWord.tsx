import type { LicenseStatus } from '../../../shared/license';
import { licenseTone } from '../health';

export interface LicenseWordProps {
  readonly license: LicenseStatus | null | undefined;
  /** Show "· 211 d" after the word. */
  readonly withDays?: boolean;
}

const WORDS = { trial: 'Trial', valid: 'Valid', expiring: 'Expiring', expired: 'Expired', invalid: 'Invalid' } as const;

/** A license status word in its status colour. */
export function LicenseWord({ license, withDays = false }: Readonly<LicenseWordProps>) {
  const tone = licenseTone(license);
  if (!license) return <span className="tone-unknown">Unknown</span>;
  const days = license.status === 'invalid' || license.status === 'expired' ? null : license.daysLeft;
  return (
    <span className={`license-word tone-${tone}`} data-license={license.status}>
      {WORDS[license.status]}
      {withDays && days !== null ? <span className="days"> · {days} d</span> : null}
    </span>
  );
}
