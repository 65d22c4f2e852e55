import type { Logger } from '../../log.js';
import type { LicenseService } from '../../license/service.js';
import { handle } from '../handle.js';
import type { AgentSocket } from '../types.js';

export function registerLicenseHandlers(socket: AgentSocket, logger: Logger, license: LicenseService): void {
  handle(socket, logger, 'license:show', () => license.status());
  handle(socket, logger, 'license:install', ({ text }) => license.install(text));
  handle(socket, logger, 'license:trust', ({ publicKeyPem }) => license.trust(publicKeyPem));
}
