/** Restore: pick a saveset, browse or search its tree, tick files and folders, choose a target, start, follow. */
import { useMemo, useState, type FormEvent } from 'react';
import type { Job, JobsState } from '../../../../../shared/engine';
import { consoleApi } from '../../../bridge';
import { EmptyState } from '../../../components/EmptyState';
import { JobStateWord } from '../../../components/JobStateWord';
import { formatBytes, formatDateTime, plural } from '../../../format';
import { useQuery } from '../../../use-query';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';
import { FileBrowser } from './FileBrowser';
import { groupSavesets, landsAt, startDirectory, targetProblem } from './restore-model';

export interface RestoreTabProps {
  readonly locationId: string;
  readonly jobs: JobsState | null;
  readonly canAct: boolean;
  /** A saveset to choose at once (a search hit). */
  readonly saveset?: string | null;
}

function FollowJob({ job }: Readonly<{ job: Job | undefined }>) {
  if (!job) return <p className="muted">Waiting for the restore job to appear in the location’s jobs…</p>;
  return (
    <div className="follow-job" role="status" aria-label="Restore job" data-state={job.state}>
      <span className="strong">Restore job {job.id}</span> <JobStateWord state={job.state} /> · {formatBytes(job.bytes)} · {plural(job.files, 'file')}
      {job.currentFile ? <span className="muted"> · {job.currentFile}</span> : null}
      {job.message ? <p className={job.state === 'error' ? 'tone-bad' : job.state === 'warning' ? 'tone-warn' : 'muted'}>{job.message}</p> : null}
    </div>
  );
}

export function RestoreTab({ locationId, jobs, canAct, saveset: initialSaveset = null }: Readonly<RestoreTabProps>) {
  const savesets = useQuery(`savesets:${locationId}:${jobs?.recent[0]?.id ?? ''}`, () => consoleApi().savesetList({ id: locationId, args: {} }));
  const tasks = useQuery(`tasks:${locationId}`, () => consoleApi().taskList({ id: locationId, args: {} }));
  const groups = useMemo(() => (savesets.state === 'ok' ? groupSavesets(savesets.data) : []), [savesets]);
  const [chosen, setChosen] = useState(initialSaveset ?? '');
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set());
  const [target, setTarget] = useState('');
  const [chain, setChain] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [restoreJobId, setRestoreJobId] = useState<string | null>(null);

  const saveset = savesets.state === 'ok' ? savesets.data.find((candidate) => candidate.id === chosen) : undefined;
  const start = saveset ? startDirectory(saveset.task, tasks.state === 'ok' ? tasks.data : undefined) : '/';
  const problem = targetProblem(target);
  const restoreJob = restoreJobId ? (jobs?.active.find((job) => job.id === restoreJobId) ?? jobs?.recent.find((job) => job.id === restoreJobId)) : undefined;
  const paths = [...ticked].sort();

  const choose = (id: string): void => {
    setChosen(id);
    setTicked(new Set());
    setOutcome(null);
  };
  const toggle = (path: string): void =>
    setTicked((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!saveset || problem) return;
    setBusy(true);
    setOutcome(null);
    consoleApi()
      .restoreStart({ id: locationId, args: { saveset: saveset.id, to: target.trim(), ...(paths.length > 0 ? { paths } : {}), chain } })
      .then((job) => {
        setRestoreJobId(job.id);
        setOutcome({ kind: 'done', text: `Restore started (${job.id}).` });
      })
      .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
      .finally(() => setBusy(false));
  };

  if (savesets.state === 'loading' || (savesets.state === 'ok' && tasks.state === 'loading')) return <EmptyState title="Reading the savesets…" tone="loading" />;
  if (savesets.state === 'error') {
    return (
      <EmptyState title="Could not read the savesets" tone="error">
        <p>{savesets.message}</p>
        <button type="button" onClick={savesets.reload}>
          Try again
        </button>
      </EmptyState>
    );
  }
  if (groups.length === 0) return <EmptyState title="No savesets yet">Run a backup first (Jobs → Start backup); its saveset can be restored here.</EmptyState>;

  const example = paths[0] ?? (saveset ? `${start === '/' ? '' : start}/…` : '/…');
  return (
    <div className="restore-tab">
      <section className="card restore-pick" aria-label="Saveset choice">
        <label className="inline-field">
          <span>Saveset</span>
          <select value={chosen} onChange={(event) => choose(event.target.value)} aria-label="Saveset">
            <option value="">Choose a saveset…</option>
            {groups.map((group) => (
              <optgroup key={group.task} label={`Task ${group.task}`}>
                {group.savesets.map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {formatDateTime(candidate.started)} · {candidate.type} · {formatBytes(candidate.bytes)} · {plural(candidate.files, 'file')}{candidate.status === 'warning' ? ' · warning' : ''}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </label>
        {saveset ? (
          <span className="muted">
            {saveset.id} · backup day {saveset.backupDay} · media {saveset.media.join(', ') || '—'}
            {saveset.base ? ` · builds on ${saveset.base}` : ''}
          </span>
        ) : null}
        {tasks.state === 'error' ? <span className="tone-warn">Could not read the tasks ({tasks.message}); browsing starts at /.</span> : null}
      </section>
      {saveset ? (
        <>
          <FileBrowser key={saveset.id} locationId={locationId} saveset={saveset.id} start={start} ticked={ticked} onToggle={toggle} />
          <form className="card restore-form" onSubmit={submit} aria-label="Restore">
            <div className="action-line">
              <label className="inline-field grow-field">
                <span>Target directory (absolute)</span>
                <input value={target} onChange={(event) => setTarget(event.target.value)} placeholder="/restore/here" spellCheck={false} aria-invalid={target !== '' && problem !== null} />
              </label>
              <label className="checkbox-field">
                <input type="checkbox" checked={chain} onChange={(event) => setChain(event.target.checked)} /> Point in time (whole chain)
              </label>
              <button type="submit" className="primary" disabled={!canAct || busy || problem !== null}>
                {busy ? 'Starting…' : paths.length > 0 ? `Restore ${paths.length} selected` : 'Restore whole saveset'}
              </button>
            </div>
            <p className="landing" aria-label="Where files land">
              Files land under the target with their full original path: <code>{landsAt(target.trim() || 'TARGET', example)}</code>
            </p>
            {target !== '' && problem ? <p className="tone-bad">{problem}</p> : null}
            {chain ? <p className="muted small">Restores the task’s state as of this saveset: its full, differential and incrementals, each path’s latest version, deletions applied.</p> : null}
            {paths.length > 0 ? (
              <p className="small">
                Selected: {paths.slice(0, 5).join(', ')}
                {paths.length > 5 ? ` and ${paths.length - 5} more` : ''}{' '}
                <button type="button" className="link" onClick={() => setTicked(new Set())}>
                  clear
                </button>
              </p>
            ) : null}
            {!canAct ? <p className="note tone-warn">The location is not online: a restore can start when it is back.</p> : null}
            <ActionOutcomeLine outcome={outcome} />
            {restoreJobId ? <FollowJob job={restoreJob} /> : null}
          </form>
        </>
      ) : (
        <p className="muted">Choose a saveset to browse its files.</p>
      )}
    </div>
  );
}
