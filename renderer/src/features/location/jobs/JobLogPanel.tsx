/** A job's protocol (jobLog), read page by page; a running job's protocol can be read on. */
import { useEffect, useState } from 'react';
import type { Job, JobLogLine } from '../../../../../shared/engine';
import { consoleApi } from '../../../bridge';
import { formatDateTime, utcTitle } from '../../../format';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';

export const LOG_PAGE = 200;
type Line = JobLogLine & { readonly seq: number };

export function JobLogPanel({ locationId, job, onClose }: Readonly<{ locationId: string; job: Job; onClose(): void }>) {
  const [lines, setLines] = useState<readonly Line[]>([]);
  const [more, setMore] = useState(true);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ActionOutcome | null>(null);

  const read = (after: number | undefined, previous: readonly Line[]): void => {
    setBusy(true);
    setFailure(null);
    consoleApi()
      .jobLog({ id: locationId, args: { id: job.id, ...(after === undefined ? {} : { after }), limit: LOG_PAGE } })
      .then((page) => {
        setLines([...previous, ...page]);
        setMore(page.length === LOG_PAGE);
      })
      .catch((caught: unknown) => setFailure(outcomeOfError(caught)))
      .finally(() => setBusy(false));
  };
  useEffect(() => {
    read(undefined, []);
    // Read once per job; further pages on demand.
  }, [locationId, job.id]);

  const last = lines.at(-1)?.seq;
  const finished = job.state !== 'running' && job.state !== 'queued' && job.state !== 'waiting-media';
  return (
    <aside className="card job-log" aria-label="Protocol">
      <header className="loader-head">
        <h3>
          Protocol of {job.kind} {job.task ?? ''} <span className="muted">{job.id}</span>
        </h3>
        <span className="spacer" />
        <button type="button" className="quiet" onClick={onClose}>
          Close
        </button>
      </header>
      <ActionOutcomeLine outcome={failure} />
      {lines.length === 0 && !busy && !failure ? <p className="muted">The protocol is empty.</p> : null}
      <ol className="log-lines">
        {lines.map((line) => (
          <li key={line.seq} className={`log-${line.level}`}>
            <span className="muted nowrap" title={utcTitle(line.at)}>
              {formatDateTime(line.at)}
            </span>
            <span className="log-level">{line.level}</span>
            <span className="log-text">{line.text}</span>
          </li>
        ))}
      </ol>
      <div className="action-line">
        {busy ? (
          <span className="muted" role="status">
            Reading…
          </span>
        ) : more ? (
          <button type="button" onClick={() => read(last, lines)}>
            Next {LOG_PAGE} lines
          </button>
        ) : !finished ? (
          <button type="button" onClick={() => read(last, lines)}>
            Read new lines
          </button>
        ) : (
          <span className="muted">{lines.length} lines, end of the protocol</span>
        )}
      </div>
    </aside>
  );
}
