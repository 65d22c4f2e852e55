/** How a provisioning change reads in the Remote servers view (plain text; rendered as text only). */
import type { Change } from '../../../../shared/provisioning';
import { phaseOf } from '../../../../shared/change-states';

/** What the change is about: "registration", "connection settings", "task mail", "schedule nightly", "removal". */
export function changeSubject(change: Change): string {
  switch (change.kind) {
    case 'register': {
      if (change.mode === 'add') return 'registration';
      const { settings, previous } = change.payload.kind === 'register' ? change.payload : { settings: null, previous: null };
      const renamedOnly = settings && previous && settings.name !== previous.name && settings.host === previous.host && settings.port === previous.port && settings.fingerprint === previous.fingerprint;
      return renamedOnly ? `name (was ${previous.name})` : 'connection settings';
    }
    case 'task':
      return `task ${change.target}`;
    case 'schedule':
      return `schedule ${change.target}`;
    case 'remove':
      return 'removal';
  }
}

/** "pending", "in progress" or "applied": the phase behind the state word. */
export function changePhaseWord(change: Change): string {
  const phase = phaseOf(change.state);
  return phase === 'pending' ? 'pending' : phase === 'applying' ? 'in progress' : 'applied';
}

export const isOpenChange = (change: Change): boolean => phaseOf(change.state) !== 'applied';
export const isPendingChange = (change: Change): boolean => phaseOf(change.state) === 'pending';
