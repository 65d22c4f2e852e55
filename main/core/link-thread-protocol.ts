/**
 * The messages between the console core and its link thread (main/core/link-thread.ts), which holds
 * every AgentLink: the agents' TLS sockets, socket.io and the parsing of what they send live there, so
 * a fleet of 1000 agents dropping or coming back at once does not stall the core's event loop.
 * Both sides are this console's own code; the payloads were checked by the link before they cross.
 */
import type { Delta, Snapshot } from '../../shared/protocol/catalog.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { AgentLinkOptions } from './agent-link.js';
import type { LinkEvent } from './link-status.js';
import type { ProgressReport } from './progress-report.js';

/** What a link needs to connect: AgentLinkOptions without its callbacks, gate, clock and randomness. */
export type LinkSettings = Pick<AgentLinkOptions, 'host' | 'port' | 'fingerprint' | 'token' | 'backoff' | 'connectTimeoutMs' | 'protocol'>;

export type ToLinkThread =
  /** Sent first: how long reports are gathered into one message (LinkThreadHostOptions.gatherMs). */
  | { readonly type: 'pace'; readonly gatherMs: number }
  | { readonly type: 'open'; readonly link: number; readonly settings: LinkSettings }
  | { readonly type: 'close'; readonly link: number }
  | { readonly type: 'command'; readonly link: number; readonly call: number; readonly name: string; readonly args: unknown; readonly timeoutMs: number }
  | { readonly type: 'request-snapshot'; readonly link: number }
  /** The core is done: every link closes its connection the way it does on its own, then the thread ends. */
  | { readonly type: 'stop' };

/** What one link reported, in the order it happened. */
export type LinkReport =
  | { readonly link: number; readonly kind: 'event'; readonly event: LinkEvent }
  | { readonly link: number; readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  | { readonly link: number; readonly kind: 'delta'; readonly delta: Delta };

export type FromLinkThread =
  /** Reports of every link, gathered for up to the core's push interval (link-thread.ts); a job's progress in its short form. */
  | { readonly type: 'reports'; readonly reports: readonly (LinkReport | ProgressReport)[] }
  | { readonly type: 'answer'; readonly call: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'answer'; readonly call: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };
