/** The Events tab's list, assembled from the location's replica (no alarm feed yet). */
import type { LocationDetail } from '../../../../../shared/console-api';
import type { CheckReport } from '../../../../../shared/schedule';

export type EventSeverity = 'error' | 'warning';
export type EventSource = 'job' | 'media' | 'check' | 'license';

export interface LocationEvent {
  readonly key: string;
  readonly severity: EventSeverity;
  readonly source: EventSource;
  /** When it happened (ISO), null when unknown. */
  readonly at: string | null;
  readonly subject: string;
  readonly message: string;
}

/** Failures and warnings, errors first, then newest first. */
export function locationEvents(detail: LocationDetail | undefined, check: CheckReport | null): LocationEvent[] {
  const events: LocationEvent[] = [];
  for (const job of detail?.jobs?.recent ?? []) {
    if (job.state !== 'error' && job.state !== 'warning') continue;
    events.push({ key: `job-${job.id}`, severity: job.state, source: 'job', at: job.endedAt ?? job.startedAt ?? job.queuedAt, subject: `${job.kind} ${job.task ?? ''} ${job.type ?? ''}`.replace(/\s+/g, ' ').trim(), message: job.message ?? `${job.kind} ended in ${job.state}` });
  }
  for (const job of detail?.jobs?.active ?? []) {
    if (job.state !== 'waiting-media') continue;
    events.push({ key: `media-${job.id}`, severity: 'warning', source: 'media', at: job.queuedAt, subject: `${job.kind} ${job.task ?? ''} waiting for media`.trim(), message: job.message ?? 'waiting for a usable cartridge' });
  }
  check?.problems.forEach((problem, index) => {
    events.push({ key: `check-${check.at}-${index}`, severity: problem.severity, source: 'check', at: check.at, subject: problem.subject, message: problem.message });
  });
  const license = detail?.license;
  if (license && (license.status === 'expiring' || license.status === 'expired' || license.status === 'invalid')) {
    events.push({
      key: 'license',
      severity: license.status === 'expiring' ? 'warning' : 'error',
      source: 'license',
      at: license.lastCheck,
      subject: `license ${license.status}`,
      message: license.reason ?? (license.status === 'expiring' ? `${license.daysLeft} days left` : `the license is ${license.status}`),
    });
  }
  return events.sort((a, b) => (a.severity === b.severity ? (b.at ?? '').localeCompare(a.at ?? '') : a.severity === 'error' ? -1 : 1));
}

/** The newer of the pushed last check and one just run here. */
export function newestCheck(pushed: CheckReport | null | undefined, ran: CheckReport | null): CheckReport | null {
  if (!pushed) return ran;
  if (!ran) return pushed;
  return ran.at > pushed.at ? ran : pushed;
}
