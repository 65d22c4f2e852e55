/** Where a location keeps its license: DATA/license/ (license.json, previous/, trusted-keys/). */
import { join } from 'node:path';

export interface LicensePaths {
  readonly dir: string;
  /** The license in force, exactly as installed. */
  readonly current: string;
  /** Copies of the licenses it replaced, newest last. */
  readonly previousDir: string;
  /** Vendor public keys (PEM) trusted to sign licenses, one file each. */
  readonly trustedKeysDir: string;
}

export function licensePaths(dataDir: string): LicensePaths {
  const dir = join(dataDir, 'license');
  return { dir, current: join(dir, 'license.json'), previousDir: join(dir, 'previous'), trustedKeysDir: join(dir, 'trusted-keys') };
}
