/**
 * A location's connection status as a pure reducer over link events, so every transition is
 * unit-testable without sockets. A location starts "Connecting"; retries never go back to it, so a
 * known problem (offline, auth failed, …) stays visible while the link keeps trying.
 */
import type { LocationStatus } from '../../shared/fleet.js';
import type { Hello } from '../../shared/protocol/catalog.js';

export interface LinkStatus {
  readonly status: LocationStatus;
  readonly detail: string | null;
  readonly lastSeen: string | null;
  readonly agent: { readonly name: string; readonly version: string; readonly agentId: string } | null;
}

export type LinkEvent =
  | { readonly type: 'online'; readonly at: string; readonly hello: Hello }
  | { readonly type: 'heard'; readonly at: string }
  | { readonly type: 'lost'; readonly at: string; readonly detail: string }
  | { readonly type: 'unreachable'; readonly detail: string }
  | { readonly type: 'refused'; readonly reason: 'auth' | 'cert' | 'version'; readonly detail: string };

export const INITIAL_LINK_STATUS: LinkStatus = { status: 'connecting', detail: null, lastSeen: null, agent: null };

const REFUSAL_STATUS = { auth: 'auth-failed', cert: 'cert-mismatch', version: 'version-mismatch' } as const;

export function applyLinkEvent(current: LinkStatus, event: LinkEvent): LinkStatus {
  switch (event.type) {
    case 'online':
      return {
        status: 'online',
        detail: null,
        lastSeen: event.at,
        agent: { name: event.hello.identity.name, version: event.hello.identity.version, agentId: event.hello.identity.agentId },
      };
    case 'heard':
      return current.status === 'online' ? { ...current, lastSeen: event.at } : current;
    case 'lost':
      return { ...current, status: 'offline', detail: event.detail, lastSeen: current.status === 'online' ? event.at : current.lastSeen };
    // A retry that fails the same way again changes nothing (no push, no recount).
    case 'unreachable':
      return current.status === 'offline' && current.detail === event.detail ? current : { ...current, status: 'offline', detail: event.detail };
    case 'refused':
      return current.status === REFUSAL_STATUS[event.reason] && current.detail === event.detail ? current : { ...current, status: REFUSAL_STATUS[event.reason], detail: event.detail };
  }
}
