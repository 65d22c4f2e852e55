// `npm run bench`: every benchmark prints its figures beside its anchor, measured in the same run.
// Benchmarks print numbers; they never pass or fail on time.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['engine-backup.mjs', 'data-path.mjs', 'restore-path.mjs', 'console-fanin.mjs', 'restore-browse.mjs', 'renderer-topology.mjs'];
let failed = 0;
for (const bench of benches) {
  const path = fileURLToPath(new URL(bench, import.meta.url));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
  console.log('');
}
process.exitCode = failed ? 1 : 0;
