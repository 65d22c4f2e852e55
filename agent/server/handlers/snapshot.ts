import type { Logger } from '../../log.js';
import { handle } from '../handle.js';
import type { LocationState } from '../location-state.js';
import type { AgentSocket } from '../types.js';

export function registerSnapshotHandlers(socket: AgentSocket, logger: Logger, state: LocationState): void {
  handle(socket, logger, 'snapshot:request', () => state.snapshot());
}
