import type { Logger } from '../../log.js';
import type { EngineService } from '../../engine/engine-service.js';
import { handle } from '../handle.js';
import type { AgentSocket } from '../types.js';

export function registerEngineHandlers(socket: AgentSocket, logger: Logger, engine: EngineService): void {
  handle(socket, logger, 'task:add', (args) => engine.addTask(args));
  handle(socket, logger, 'task:update', (args) => engine.updateTask(args));
  handle(socket, logger, 'task:list', () => engine.store.tasks());
  handle(socket, logger, 'task:remove', ({ name }) => {
    engine.removeTask(name);
    return { removed: true as const };
  });
  handle(socket, logger, 'backup:start', ({ task, type }) => engine.startBackup(task, type));
  handle(socket, logger, 'job:list', ({ limit }) => engine.jobs.list(limit ?? 100));
  handle(socket, logger, 'job:get', ({ id }) => engine.jobs.get(id));
  handle(socket, logger, 'job:cancel', ({ id }) => engine.jobs.cancel(id));
  handle(socket, logger, 'job:log', ({ id, after, limit }) => {
    engine.jobs.get(id);
    return engine.store.log(id, after ?? 0, limit ?? 500);
  });
  handle(socket, logger, 'saveset:list', ({ task }) => engine.store.savesets(task));
  handle(socket, logger, 'saveset:browse', ({ id, dir, after, limit }) => engine.browse(id, dir, after ?? '', limit ?? 200));
  handle(socket, logger, 'saveset:search', ({ id, text, limit }) => engine.search(id, text, limit ?? 200));
  handle(socket, logger, 'restore:start', (args) => engine.startRestore(args));
  handle(socket, logger, 'verify:start', ({ saveset, readData }) => engine.startVerify(saveset, readData === true));
}
