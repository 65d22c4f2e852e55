/** Jobs "by state" (SEP sesam): running with progress, then queued / waiting for media, then finished. */
import { useMemo, useState } from 'react';
import type { Job, JobsState } from '../../../../../shared/engine';
import { consoleApi } from '../../../bridge';
import { useActions } from '../../../store/store';
import { EmptyState } from '../../../components/EmptyState';
import { JobStateWord } from '../../../components/JobStateWord';
import { ProgressBar } from '../../../components/ProgressBar';
import { VirtualRows } from '../../../components/VirtualRows';
import { formatBytes, formatDateTime, plural, utcTitle } from '../../../format';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';
import { canRerun, estimateProgress, formatDuration, groupJobs } from './job-groups';
import { JobLogPanel } from './JobLogPanel';
import { StartBackupForm } from './StartBackupForm';

export interface JobsTabProps {
  readonly locationId: string;
  readonly jobs: JobsState;
  readonly canAct: boolean;
  /** Show only this task's jobs (a search hit); the Start backup form picks it. */
  readonly task?: string | null;
}

interface RowActions {
  readonly canAct: boolean;
  readonly busy: string | null;
  cancel(job: Job): void;
  rerun(job: Job): void;
  openLog(job: Job): void;
}

function jobTitle(job: Job): string {
  if (job.kind === 'backup') return `${job.task ?? '?'} · ${job.type ?? 'backup'}`;
  return `${job.kind} ${job.task ?? ''}`.trim();
}

function RunningJob({ job, recent, actions }: Readonly<{ job: Job; recent: readonly Job[]; actions: RowActions }>) {
  const progress = estimateProgress(job, recent);
  return (
    <li className="job-card card" aria-label={`Job ${job.id}`} data-job={job.id}>
      <div className="job-line">
        <span className="strong">{jobTitle(job)}</span>
        <JobStateWord state={job.state} />
        <span className="muted" title={utcTitle(job.startedAt)}>
          since {formatDateTime(job.startedAt)}
        </span>
        {job.drive ? (
          <span className="muted">
            {job.drive.loader} drive {job.drive.number}
          </span>
        ) : null}
        <span className="spacer" />
        <button type="button" onClick={() => actions.openLog(job)}>
          Protocol
        </button>
        <button type="button" className="danger" disabled={!actions.canAct || actions.busy !== null} onClick={() => actions.cancel(job)} aria-label={`Cancel ${job.id}`}>
          Cancel
        </button>
      </div>
      <div className="job-progress" title={progress.basis ?? 'no previous run to compare with'}>
        <ProgressBar fraction={progress.fraction} label={`Progress of ${job.id}`} />
        <span className="job-figures">
          {formatBytes(job.bytes)} · {plural(job.files, 'file')} · {formatBytes(job.rate)}/s
          {progress.etaSeconds !== null ? ` · about ${formatDuration(progress.etaSeconds)} left` : ''}
        </span>
      </div>
      {job.currentFile ? (
        <p className="current-file muted" title={job.currentFile}>
          {job.currentFile}
        </p>
      ) : null}
      {job.message ? <p className="small tone-warn">{job.message}</p> : null}
    </li>
  );
}

function WaitingJob({ job, actions }: Readonly<{ job: Job; actions: RowActions }>) {
  return (
    <li className={`job-card card${job.state === 'waiting-media' ? ' waiting-media' : ''}`} aria-label={`Job ${job.id}`} data-job={job.id}>
      <div className="job-line">
        <span className="strong">{jobTitle(job)}</span>
        <JobStateWord state={job.state} />
        <span className="muted" title={utcTitle(job.queuedAt)}>
          queued {formatDateTime(job.queuedAt)}
        </span>
        <span className="spacer" />
        <button type="button" onClick={() => actions.openLog(job)}>
          Protocol
        </button>
        <button type="button" className="danger" disabled={!actions.canAct || actions.busy !== null} onClick={() => actions.cancel(job)} aria-label={`Cancel ${job.id}`}>
          Cancel
        </button>
      </div>
      {job.message ? <p className={job.state === 'waiting-media' ? 'tone-warn' : 'muted'}>{job.message}</p> : null}
    </li>
  );
}

function FinishedRow({ job, actions }: Readonly<{ job: Job; actions: RowActions }>) {
  return (
    <div className="finished-row" role="row" aria-label={`Job ${job.id}`} data-job={job.id}>
      <span role="cell" className="strong">
        {jobTitle(job)}
      </span>
      <span role="cell">
        <JobStateWord state={job.state} />
      </span>
      <span role="cell" title={utcTitle(job.endedAt)}>
        {formatDateTime(job.endedAt ?? job.startedAt)}
      </span>
      <span role="cell" className="num">
        {formatBytes(job.bytes)}
      </span>
      <span role="cell" className="num">
        {job.files}
      </span>
      <span role="cell" className={`message${job.state === 'error' ? ' tone-bad' : job.state === 'warning' ? ' tone-warn' : ' muted'}`} title={job.message ?? undefined}>
        {job.message ?? ''}
      </span>
      <span role="cell" className="row-actions">
        <button type="button" className="link" onClick={() => actions.openLog(job)} aria-label={`Protocol of ${job.id}`}>
          protocol
        </button>
        {canRerun(job) ? (
          <button type="button" className="link" disabled={!actions.canAct || actions.busy !== null} onClick={() => actions.rerun(job)} aria-label={`Rerun ${job.id}`}>
            rerun
          </button>
        ) : null}
      </span>
    </div>
  );
}

export function JobsTab({ locationId, jobs, canAct, task = null }: Readonly<JobsTabProps>) {
  const actionsOfStore = useActions();
  const groups = useMemo(() => {
    if (!task) return groupJobs(jobs);
    const mine = (job: Job): boolean => job.task === task;
    return groupJobs({ active: jobs.active.filter(mine), recent: jobs.recent.filter(mine) });
  }, [jobs, task]);
  const [starting, setStarting] = useState(task !== null);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const [logJobId, setLogJobId] = useState<string | null>(null);
  const logJob = logJobId ? (jobs.active.find((job) => job.id === logJobId) ?? jobs.recent.find((job) => job.id === logJobId)) : undefined;

  const act = (name: string, work: () => Promise<Job>, done: (job: Job) => string): void => {
    setBusy(name);
    setOutcome(null);
    work()
      .then((job) => setOutcome({ kind: 'done', text: done(job) }))
      .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
      .finally(() => setBusy(null));
  };
  const actions: RowActions = {
    canAct,
    busy,
    cancel: (job) => act(`cancel:${job.id}`, () => consoleApi().jobCancel({ id: locationId, args: { id: job.id } }), () => `Asked ${job.id} to cancel.`),
    rerun: (job) =>
      act(`rerun:${job.id}`, () => consoleApi().jobRerun({ id: locationId, args: { job: job.id } }), (started) => `Started ${started.type ?? ''} backup of ${started.task ?? ''} again (${started.id}).`),
    openLog: (job) => setLogJobId(job.id),
  };

  const empty = groups.running.length === 0 && groups.waiting.length === 0 && groups.finished.length === 0;
  return (
    <div className={`jobs-tab${logJob ? ' with-log' : ''}`}>
      <div className="jobs-main">
        <div className="view-header">
          <span className="muted">
            {groups.running.length} running · {groups.waiting.length} waiting · {groups.finished.length} finished
          </span>
          <span className="spacer" />
          <button type="button" className="primary" disabled={!canAct} onClick={() => setStarting(true)}>
            Start backup…
          </button>
        </div>
        {task ? (
          <p className="note focus-note" role="status" aria-label="Task filter">
            Jobs of task <span className="strong">{task}</span> only.{' '}
            <button type="button" className="link" onClick={() => actionsOfStore.locationTabChosen('Jobs')}>
              Show all jobs
            </button>
          </p>
        ) : null}
        {!canAct ? <p className="note tone-warn">The location is not online: actions wait until it is back.</p> : null}
        {starting ? <StartBackupForm locationId={locationId} canAct={canAct} initialTask={task} onStarted={() => undefined} onClose={() => setStarting(false)} /> : null}
        <ActionOutcomeLine outcome={outcome} />
        {empty ? (
          <EmptyState title={task ? `No recent jobs of task ${task}` : 'No jobs yet'}>Start a backup, or wait for a schedule: running, queued and finished jobs appear here as they happen.</EmptyState>
        ) : null}
        {groups.running.length > 0 ? (
          <section aria-label="Running">
            <h4 className="section-title">Running</h4>
            <ul className="job-list">
              {groups.running.map((job) => (
                <RunningJob key={job.id} job={job} recent={groups.finished} actions={actions} />
              ))}
            </ul>
          </section>
        ) : null}
        {groups.waiting.length > 0 ? (
          <section aria-label="Queued and waiting">
            <h4 className="section-title">Queued and waiting for media</h4>
            <ul className="job-list">
              {groups.waiting.map((job) => (
                <WaitingJob key={job.id} job={job} actions={actions} />
              ))}
            </ul>
          </section>
        ) : null}
        {groups.finished.length > 0 ? (
          <section aria-label="Finished" className="finished">
            <h4 className="section-title">Finished (recent)</h4>
            <VirtualRows
              className="finished-table"
              role="table"
              label="Finished jobs"
              count={groups.finished.length}
              rowHeight={30}
              header={
                <div className="finished-row table-head" role="row">
                  <span role="columnheader">Job</span>
                  <span role="columnheader">State</span>
                  <span role="columnheader">Ended</span>
                  <span role="columnheader" className="num">Bytes</span>
                  <span role="columnheader" className="num">Files</span>
                  <span role="columnheader">Message</span>
                  <span role="columnheader">Actions</span>
                </div>
              }
              renderRow={(index) => {
                const job = groups.finished[index];
                return job ? <FinishedRow job={job} actions={actions} /> : null;
              }}
            />
          </section>
        ) : null}
      </div>
      {logJob ? <JobLogPanel key={logJob.id} locationId={locationId} job={logJob} onClose={() => setLogJobId(null)} /> : null}
    </div>
  );
}
