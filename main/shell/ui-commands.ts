/**
 * UI commands raised by the shell (the application menu) and pushed to the renderer as the
 * `uiCommand` topic. The console core cannot see menus, so the shell layers this source over it.
 */
import type { ConsoleService, ConsoleTopicName, TopicPayload, UiCommandName } from '../../shared/console-api.js';

export interface UiCommandSource {
  emit(command: UiCommandName): void;
  onCommand(listener: (command: UiCommandName) => void): () => void;
}

export function createUiCommandSource(): UiCommandSource {
  const listeners = new Set<(command: UiCommandName) => void>();
  return {
    emit(command) {
      for (const listener of [...listeners]) listener(command);
    },
    onCommand(listener) {
      const entry = (command: UiCommandName): void => listener(command);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}

/** The core's service with `uiCommand` served from `commands`; every other topic and call is the core's. */
export function withUiCommands(service: ConsoleService, commands: UiCommandSource): ConsoleService {
  return {
    ...service,
    onTopic<K extends ConsoleTopicName>(topic: K, listener: (payload: TopicPayload<K>) => void) {
      if (topic !== 'uiCommand') return service.onTopic(topic, listener);
      const push = listener as (payload: TopicPayload<'uiCommand'>) => void;
      return commands.onCommand((command) => push({ command }));
    },
  };
}
