/**
 * The preload: exposes exactly the ConsoleApi functions as `window.floe`, nothing generic.
 * Each call returns the main process's ack, turned back into a resolved value or a thrown error.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  callChannel,
  CONSOLE_CALL_NAMES,
  CONSOLE_TOPIC_NAMES,
  topicChannel,
  type CallOutcome,
  type ConsoleApi,
  type ConsoleTopicName,
} from '../../shared/console-api.js';

function unwrap(outcome: CallOutcome): unknown {
  if (outcome.ok) return outcome.data;
  throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code });
}

const calls = Object.fromEntries(
  CONSOLE_CALL_NAMES.map((name) => [name, async (args: unknown) => unwrap((await ipcRenderer.invoke(callChannel(name), args)) as CallOutcome)]),
);

const api = {
  ...calls,
  subscribe(topic: ConsoleTopicName, listener: (payload: unknown) => void) {
    if (!CONSOLE_TOPIC_NAMES.includes(topic)) throw new Error(`unknown topic ${String(topic)}`);
    const channel = topicChannel(topic);
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.off(channel, handler);
    };
  },
} as unknown as ConsoleApi;

contextBridge.exposeInMainWorld('floe', api);
