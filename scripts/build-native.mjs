// Builds Floe's native file reader (agent/native/floe-io.c, see its header) with node-gyp, offline,
// against the headers of the Node that runs this script, and copies it beside the built agent
// (dist/agent/native/, the same relative place as from the sources). Runs in `npm run build:node`,
// hence in `npm ci` (prepare). Without a C compiler or Node's headers it prints why and exits 0:
// the agent then reads files with Node's fs calls (slower on small files, same archives).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'agent', 'native');
const built = join(source, 'build', 'Release', 'floe_io.node');
const shipped = join(root, 'dist', 'agent', 'native', 'build', 'Release', 'floe_io.node');

/** node-gyp: npm's own (npm passes its path to scripts), else the one beside the npm that came with this Node. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const npmRoot = join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm');
  try {
    return createRequire(join(npmRoot, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

/** A folder holding this Node's headers (include/node/node_api.h), so that node-gyp downloads nothing. */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, process.config.variables.node_prefix, dirname(dirname(process.execPath))];
  return candidates.find((dir) => dir && existsSync(join(dir, 'include', 'node', 'node_api.h'))) ?? null;
}

function skip(why) {
  console.warn(`floe: native file reader not built (${why}); backups read files with Node's fs calls`);
  process.exit(0);
}

const gyp = nodeGyp();
if (!gyp) skip('node-gyp not found');
const dir = nodeDir();
if (!dir) skip("Node's C headers (include/node/node_api.h) not found");
const run = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${dir}`, '--loglevel=warn'], { cwd: source, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (run.status !== 0 || !existsSync(built)) {
  process.stderr.write(run.stdout + run.stderr);
  skip(`node-gyp exited with ${run.status ?? run.signal}`);
}
mkdirSync(dirname(shipped), { recursive: true });
copyFileSync(built, shipped);
console.log(`floe: native file reader built (${built})`);
