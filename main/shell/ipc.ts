/**
 * The only place that touches ipcMain and webContents.send. Each ConsoleApi call gets one handler
 * that checks the sender frame before dispatching; pushes go to the main window only.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { callChannel, CONSOLE_CALL_NAMES, CONSOLE_TOPIC_NAMES, topicChannel, type CallOutcome, type ConsoleService } from '../../shared/console-api.js';
import { dispatchCall } from '../core/dispatch.js';
import type { Disposable } from '../core/disposable.js';

export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>) => boolean;

/** A sender is trusted when it is the top frame of the app's own window, showing an app URL. */
export function appSenderCheck(isAppUrl: (url: string) => boolean, appContents: () => WebContents | undefined): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    const contents = appContents();
    if (!frame || !contents || event.sender !== contents) return false;
    if (frame.parent !== null) return false;
    return isAppUrl(frame.url);
  };
}

const FOREIGN_SENDER: CallOutcome = {
  ok: false,
  error: { code: 'AUTH_FAILED', message: 'this call came from a frame that is not the Floe console; refused' },
};

export function registerConsoleIpc(service: ConsoleService, isTrusted: SenderCheck): Disposable {
  for (const name of CONSOLE_CALL_NAMES) {
    ipcMain.handle(callChannel(name), (event, args: unknown) => (isTrusted(event) ? dispatchCall(service, name, args) : FOREIGN_SENDER));
  }
  return {
    dispose() {
      for (const name of CONSOLE_CALL_NAMES) ipcMain.removeHandler(callChannel(name));
    },
  };
}

/** Forwards every pushed topic to the window's renderer. */
export function forwardTopics(service: ConsoleService, contents: WebContents): Disposable {
  const unsubscribes = CONSOLE_TOPIC_NAMES.map((topic) =>
    service.onTopic(topic, (payload) => {
      if (!contents.isDestroyed()) contents.send(topicChannel(topic), payload);
    }),
  );
  return {
    dispose() {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
