import type { Logger } from '../../log.js';
import type { ScheduleService } from '../../schedule/schedule-service.js';
import { handle } from '../handle.js';
import type { AgentSocket } from '../types.js';

export function registerScheduleHandlers(socket: AgentSocket, logger: Logger, schedules: ScheduleService): void {
  handle(socket, logger, 'schedule:add', (args) => schedules.add(args));
  handle(socket, logger, 'schedule:update', (args) => schedules.replace(args));
  handle(socket, logger, 'schedule:list', () => schedules.store.list());
  handle(socket, logger, 'schedule:remove', ({ name }) => {
    schedules.remove(name);
    return { removed: true as const };
  });
  handle(socket, logger, 'schedule:enable', ({ name, enabled }) => schedules.setEnabled(name, enabled));
  handle(socket, logger, 'backupday:set', (args) => schedules.setBackupDay(args));
  handle(socket, logger, 'calendar:query', ({ from, to }) => schedules.calendar(new Date(from), new Date(to)));
  handle(socket, logger, 'check:run', () => schedules.check());
}
