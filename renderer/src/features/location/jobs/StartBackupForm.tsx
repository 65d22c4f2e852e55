/** "Start backup": pick a task (taskList) and a type, then backupStart. */
import { useState, type FormEvent } from 'react';
import type { Job } from '../../../../../shared/engine';
import { BACKUP_TYPES, isBackupType, type BackupType } from '../../../../../shared/backup-types';
import { consoleApi } from '../../../bridge';
import { useQuery } from '../../../use-query';
import { outcomeOfError, type ActionOutcome } from '../action-outcome';
import { ActionOutcomeLine } from '../ActionOutcomeLine';

const TYPE_WORDS: Readonly<Record<BackupType, string>> = { full: 'full', diff: 'differential', incr: 'incremental', copy: 'copy (full, no chain)' };

export function StartBackupForm({ locationId, canAct, initialTask = null, onStarted, onClose }: Readonly<{ locationId: string; canAct: boolean; initialTask?: string | null; onStarted(job: Job): void; onClose(): void }>) {
  const tasks = useQuery(`tasks:${locationId}`, () => consoleApi().taskList({ id: locationId, args: {} }));
  const [picked, setTask] = useState('');
  const [type, setType] = useState<BackupType>('full');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const names = tasks.state === 'ok' ? tasks.data.map((candidate) => candidate.name) : [];
  const task = picked || (initialTask && names.includes(initialTask) ? initialTask : '');
  const chosen = task || names[0] || '';
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!chosen) return;
    setBusy(true);
    setOutcome(null);
    consoleApi()
      .backupStart({ id: locationId, args: { task: chosen, type } })
      .then((job) => {
        setOutcome({ kind: 'done', text: `Started ${type} backup of ${chosen}.` });
        onStarted(job);
      })
      .catch((caught: unknown) => setOutcome(outcomeOfError(caught)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="card start-backup" onSubmit={submit} aria-label="Start backup">
      <h3>Start backup</h3>
      {tasks.state === 'loading' ? <p className="muted" role="status">Reading the tasks…</p> : null}
      {tasks.state === 'error' ? (
        <p className="tone-bad" role="alert">
          Could not read the tasks: {tasks.message}
        </p>
      ) : null}
      {tasks.state === 'ok' && names.length === 0 ? (
        <p className="muted">
          No tasks at this location yet. Add one on the backup server: <code>floe-agent task add --name home --source /home --pool DAILY</code>.
        </p>
      ) : null}
      <div className="action-line">
        <label className="inline-field">
          <span>Task</span>
          <select value={chosen} onChange={(event) => setTask(event.target.value)} disabled={busy || names.length === 0}>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Type</span>
          <select value={type} onChange={(event) => isBackupType(event.target.value) && setType(event.target.value)} disabled={busy}>
            {BACKUP_TYPES.map((option) => (
              <option key={option} value={option}>
                {TYPE_WORDS[option]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!canAct || busy || !chosen}>
          {busy ? 'Starting…' : 'Start'}
        </button>
        <button type="button" className="quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <ActionOutcomeLine outcome={outcome} />
    </form>
  );
}
