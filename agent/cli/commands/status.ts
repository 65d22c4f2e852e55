import { agentStatus } from '../../status.js';
import { printResult } from '../output.js';

/** LSB convention: `status` exits 3 when the program is not running. */
const EXIT_NOT_RUNNING = 3;

export async function runStatus(dataDir: string, json: boolean): Promise<void> {
  const status = await agentStatus(dataDir);
  printResult(json, status, () =>
    status.running
      ? [
          `${status.name}: running (pid ${status.pid}) on ${status.listen}${status.answering ? '' : ' — but not answering on that address'}`,
          `fingerprint: ${status.fingerprint}`,
          `since:       ${status.startedAt}`,
        ]
      : [`${status.name}: not running (configured for ${status.listen}); start it with: floe-agent start --data ${dataDir}`],
  );
  if (!status.running) process.exitCode = EXIT_NOT_RUNNING;
}
