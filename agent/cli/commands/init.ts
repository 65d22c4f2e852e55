import { initDataDir } from '../../init.js';
import { printResult } from '../output.js';

export async function runInit(options: { dataDir: string; name: string; listen: string; json: boolean }): Promise<void> {
  const result = await initDataDir({ dataDir: options.dataDir, name: options.name, listen: options.listen, now: new Date() });
  printResult(options.json, result, () => [
    `Initialised location "${result.name}" in ${result.dataDir}`,
    `listen:      ${result.listen}`,
    `fingerprint: ${result.fingerprint}`,
    `admin token: ${result.token}`,
    '',
    'The token is shown only this once; keep it to register this location in the Floe console.',
    `Start the agent with: floe-agent start --data ${result.dataDir}`,
  ]);
}
