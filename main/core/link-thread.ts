/**
 * The console's link thread: every AgentLink runs here (see link-thread-protocol.ts for why), behind
 * one ConnectGate. What the links report is gathered for `gatherMs` and posted as one message;
 * commands are answered one message each, after the reports that came before the answer.
 */
import { parentPort } from 'node:worker_threads';
import { FloeError, isFloeError } from '../../shared/errors.js';
import type { ClientCommandName } from '../../shared/protocol/catalog.js';
import { AgentLink } from './agent-link.js';
import { ConnectGate } from './connect-gate.js';
import type { FromLinkThread, LinkReport, ToLinkThread } from './link-thread-protocol.js';
import { ProgressSender, type ProgressReport } from './progress-report.js';

const port = parentPort;
if (!port) throw new Error('link-thread.ts runs as a worker thread of the console core');

const links = new Map<number, AgentLink>();
const gate = new ConnectGate();
const progress = new ProgressSender();
let reports: (LinkReport | ProgressReport)[] = [];
let flush: ReturnType<typeof setTimeout> | undefined;

/**
 * Reports wait `gatherMs` to go as one message (the host sends it first: the core's push interval):
 * each message costs both threads a wake-up (about 250 µs of CPU here), which per turn doubled the
 * core's CPU per event with 100 agents (docs/benchmarks.md). A burst goes at once when GATHER_MAX
 * are waiting.
 */
let gatherMs = 100;
const GATHER_MAX = 2000;

const post = (message: FromLinkThread): void => port.postMessage(message);

function sendReports(): void {
  if (flush) clearTimeout(flush);
  flush = undefined;
  if (reports.length === 0) return;
  const batch = reports;
  reports = [];
  post({ type: 'reports', reports: batch });
}

function report(entry: LinkReport | ProgressReport): void {
  reports.push(entry);
  if (reports.length >= GATHER_MAX) sendReports();
  else flush ??= setTimeout(sendReports, gatherMs);
}

async function answer(link: AgentLink | undefined, call: number, name: string, args: unknown, timeoutMs: number): Promise<void> {
  let message: FromLinkThread;
  try {
    if (!link) throw new FloeError('NOT_FOUND', 'no such location; it may have been removed');
    message = { type: 'answer', call, ok: true, value: await link.command(name as ClientCommandName, args as never, timeoutMs) };
  } catch (error) {
    const known = isFloeError(error);
    message = { type: 'answer', call, ok: false, code: known ? error.code : 'INTERNAL', message: known ? error.message : `the link failed: ${String(error)}` };
  }
  // What the agent sent before its answer reaches the core before the answer, as on one connection.
  sendReports();
  post(message);
}

port.on('message', (message: ToLinkThread) => {
  switch (message.type) {
    case 'pace':
      gatherMs = message.gatherMs;
      break;
    case 'open': {
      const id = message.link;
      const link = new AgentLink({
        ...message.settings,
        gate,
        // `heard` stays here: the core marks a location heard from the reports themselves (link-thread-host.ts).
        onEvent: (event) => {
          if (event.type !== 'heard') report({ link: id, kind: 'event', event });
        },
        onSnapshot: (snapshot) => {
          progress.forget(id);
          report({ link: id, kind: 'snapshot', snapshot });
        },
        // The core applies it and asks for a snapshot when it does not follow (request-snapshot).
        onDelta: (delta) => {
          report(progress.compact(id, delta) ?? { link: id, kind: 'delta', delta });
          return true;
        },
      });
      links.set(id, link);
      link.start();
      break;
    }
    case 'close':
      links.get(message.link)?.dispose();
      links.delete(message.link);
      progress.forget(message.link);
      break;
    case 'command':
      void answer(links.get(message.link), message.call, message.name, message.args, message.timeoutMs);
      break;
    case 'request-snapshot':
      links.get(message.link)?.requestSnapshot();
      break;
    case 'stop':
      for (const link of links.values()) link.dispose();
      links.clear();
      gate.dispose();
      if (flush) clearTimeout(flush);
      // With its sockets closed and the port closed, nothing keeps the thread alive: it ends.
      port.close();
      break;
  }
});
