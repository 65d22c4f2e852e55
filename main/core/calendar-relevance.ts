/** Which replica changes can change a location's calendar (so its cached calendar answers are dropped). */
import type { Delta } from '../../shared/protocol/catalog.js';
import type { ReplicaState } from './location-replica.js';

/**
 * Schedules changes always; a backup job that appears, changes state, starts, ends or moves to
 * another drive. Progress of a running job (bytes, rate, current file) does not.
 */
export function calendarRelevant(before: ReplicaState | null, delta: Delta): boolean {
  const { change } = delta;
  if (change.domain === 'schedules') return true;
  if (change.domain !== 'jobs') return false;
  const job = change.change.job;
  if (job.kind !== 'backup') return false;
  const old = before ? [...before.jobs.active, ...before.jobs.recent].find((candidate) => candidate.id === job.id) : undefined;
  if (!old) return true;
  return old.state !== job.state || old.startedAt !== job.startedAt || old.endedAt !== job.endedAt || old.drive?.loader !== job.drive?.loader || old.drive?.number !== job.drive?.number;
}
