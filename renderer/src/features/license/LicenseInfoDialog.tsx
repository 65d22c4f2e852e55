/** License info (Help → License info, Alt+L): one row per location, warnings first. */
import { useMemo } from 'react';
import { openLocation } from '../../bridge';
import { Dialog } from '../../components/Dialog';
import { bindingText, limitsText } from '../../components/LicenseCard';
import { LicenseWord } from '../../components/LicenseWord';
import { formatDay, utcTitle } from '../../format';
import { sortLicenseRows } from '../../health';
import { useFleetLoaded, useFleetRows } from '../../store/store';

export interface LicenseInfoDialogProps {
  readonly onClose: () => void;
}

export function LicenseInfoDialog({ onClose }: Readonly<LicenseInfoDialogProps>) {
  const fleet = useFleetRows();
  const loaded = useFleetLoaded();
  const rows = useMemo(() => sortLicenseRows(fleet.map(({ location, detail }) => ({ id: location.id, name: location.name, license: detail?.license ?? null }))), [fleet]);
  return (
    <Dialog title="License info" onClose={onClose} wide>
      {!loaded ? (
        <p className="muted">Loading the fleet…</p>
      ) : rows.length === 0 ? (
        <p className="muted">No locations yet: each location reports its own license once added.</p>
      ) : (
        <div className="license-table-wrap">
          <table className="table license-table">
            <thead>
              <tr>
                <th>Location</th>
                <th>Status</th>
                <th>Edition</th>
                <th>Modules</th>
                <th>Limits and use</th>
                <th>Expires</th>
                <th className="num">Days left</th>
                <th>Bound to</th>
                <th>Licensee</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ id, name, license }) => (
                <tr key={id} data-location={name} aria-label={name}>
                  <td className="nowrap">
                    <button
                      type="button"
                      className="link strong"
                      onClick={() => {
                        onClose();
                        openLocation(id, 'License');
                      }}
                    >
                      {name}
                    </button>
                  </td>
                  <td>
                    <LicenseWord license={license} />
                    {license?.reason ? <div className="muted small reason">{license.reason}</div> : null}
                  </td>
                  <td>{license?.edition ?? '—'}</td>
                  <td>{license && license.modules.length > 0 ? license.modules.join(', ') : '—'}</td>
                  <td className="small">{license ? limitsText(license).split(' · ').map((part) => <div key={part}>{part}</div>) : '—'}</td>
                  <td className="nowrap" title={utcTitle(license?.expires)}>{formatDay(license?.expires)}</td>
                  <td className="num">{license && license.status !== 'invalid' ? license.daysLeft : '—'}</td>
                  <td>{license ? bindingText(license) : '—'}</td>
                  <td>{license?.licensee ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">
        Install a license file on a backup server with <code>floe-agent license install FILE</code>.
      </p>
      <div className="actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
