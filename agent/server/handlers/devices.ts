import type { Logger } from '../../log.js';
import type { DeviceService } from '../../devices/device-service.js';
import { handle } from '../handle.js';
import type { AgentSocket } from '../types.js';

export function registerDeviceHandlers(socket: AgentSocket, logger: Logger, devices: DeviceService): void {
  handle(socket, logger, 'loader:list', () => devices.listLoaders());
  handle(socket, logger, 'loader:create', (args) => devices.createLoader(args));
  handle(socket, logger, 'loader:remove', async ({ name }) => {
    await devices.removeLoader(name);
    return { removed: true as const };
  });
  handle(socket, logger, 'loader:inventory', ({ name, refresh }) => devices.inventory(name, refresh ?? false));
  handle(socket, logger, 'loader:load', ({ loader, slot, drive }) => devices.load(loader, slot, drive));
  handle(socket, logger, 'loader:unload', ({ loader, drive, slot }) => devices.unload(loader, drive, slot));
  handle(socket, logger, 'loader:transfer', ({ loader, from, to }) => devices.transfer(loader, from, to));
  handle(socket, logger, 'loader:import', ({ loader, from, to }) => devices.importCartridge(loader, from, to));
  handle(socket, logger, 'loader:export', ({ loader, from, to }) => devices.exportCartridge(loader, from, to));
  handle(socket, logger, 'drive:list', () => devices.listDrives());
  handle(socket, logger, 'drive:clean', ({ loader, drive }) => devices.clean(loader, drive));
  handle(socket, logger, 'pool:add', (args) => devices.addPool(args));
  handle(socket, logger, 'pool:list', () => devices.store.pools());
  handle(socket, logger, 'media:label', (args) => devices.label(args));
  handle(socket, logger, 'media:list', ({ pool }) => devices.listMedia(pool));
}
