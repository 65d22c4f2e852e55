import { parseListen } from '../../config.js';
import { dataDirPaths } from '../../data-dir.js';
import { createLogger } from '../../log.js';
import { startAgent } from '../../server/agent.js';

export async function runStart(dataDir: string, listenOverride?: string): Promise<void> {
  const listen = listenOverride === undefined ? undefined : parseListen(listenOverride);
  const logger = createLogger({ logsDir: dataDirPaths(dataDir).logsDir });
  const agent = await startAgent({ dataDir, logger, ...(listen ? { listen } : {}) });
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    void agent.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
