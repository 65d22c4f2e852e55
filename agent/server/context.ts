/** What every domain service of a running agent shares. */
import type { AgentConfig } from '../config.js';
import type { DataDirPaths } from '../data-dir.js';
import type { CatalogDb } from '../catalog/database.js';
import type { Logger } from '../log.js';
import type { Publisher } from './publisher.js';

export interface AgentContext {
  readonly config: AgentConfig;
  readonly paths: DataDirPaths;
  readonly db: CatalogDb;
  readonly logger: Logger;
  readonly clock: () => Date;
  readonly publisher: Publisher;
}
