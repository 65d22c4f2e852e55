/**
 * The console's configuration directory (locations, tokens), shared by the Electron app and the
 * web host so both show the same fleet: `$FLOE_CONFIG_DIR`, else `<appData>/floe-console`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultConfigDir(appData = process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config')): string {
  return process.env.FLOE_CONFIG_DIR ?? join(appData, 'floe-console');
}
