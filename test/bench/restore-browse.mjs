// Restore browse on a large saveset index (issue #8): the first page of a directory and a name
// search, asked the way the console asks (AgentLink.command over pinned WSS to a real floe-agent),
// beside the anchor: the same SQL run directly on the catalog (the floor no server can beat).
// Run: node --import tsx test/bench/restore-browse.mjs   (or `npm run bench`)
// The index is built through the real path: EngineStore.stageFiles in batches (the rows go into the index in place, pending), then commitSaveset.
// Targets: first page ≤ 200 ms, name search ≤ 1 s. Prints numbers only; it never passes or fails.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { initAgent, startInProcess } from '../helpers/agents.ts';
import { openCatalog } from '../../agent/catalog/database.ts';
import { EngineStore } from '../../agent/engine/engine-store.ts';
import { NameSearch } from '../../agent/engine/name-search.ts';
import { CURRENT_CHECKSUM } from '../../agent/engine/checksum.ts';
import { dataDirPaths } from '../../agent/data-dir.ts';
import { AgentLink } from '../../main/core/agent-link.ts';
import { machineLine } from './lib/measure.ts';

const FILES = Number(process.env.FLOE_BENCH_INDEX_FILES ?? 1_000_000);
const BIG_DIR_FILES = Math.min(100_000, Math.floor(FILES / 10));
const PER_DIR = 1000;
const ROUNDS = 5;
const SAVESET = 'bench-full-20261129-0100';

console.log(`# Floe restore browse benchmark — ${new Date().toISOString()}`);
console.log(`# command: node --import tsx test/bench/restore-browse.mjs   (FLOE_BENCH_INDEX_FILES=${FILES})`);
console.log(`# machine: ${machineLine()}`);
console.log(`# index: ${FILES} files: /data/big with ${BIG_DIR_FILES} files, the rest in /data/dNNNN/ of ${PER_DIR} files each; built with EngineStore.stageFiles + commitSaveset`);
console.log('# ours: AgentLink.command(saveset:browse | saveset:search) → real agent (handler → EngineService → EngineStore) → ack; anchor: SQL on the catalog with better-sqlite3, no server (browse: the same SELECT; search: the LIKE scan the trigram index replaces)');
console.log(`# figures: first call (right after the agent started) and median of ${ROUNDS} more`);

const init = await initAgent('bench-browse');
const paths = dataDirPaths(init.dataDir);
{
  const started = performance.now();
  const db = openCatalog(paths.catalog);
  const store = new EngineStore(db);
  const now = Date.now() / 1000;
  const row = (path, size) => ({ path, type: 'file', size, mtime: now, ctime: now, ino: 0, mode: 0o100644, uid: 1000, gid: 1000, checksum: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', linkTarget: null, deleted: false });
  let batch = [];
  const flush = () => {
    store.stageFiles(SAVESET, batch);
    batch = [];
  };
  const add = (entry) => {
    batch.push(entry);
    if (batch.length >= 50_000) flush();
  };
  add({ ...row('/data', 0), type: 'directory', mode: 0o40755 });
  add({ ...row('/data/big', 0), type: 'directory', mode: 0o40755 });
  for (let i = 0; i < BIG_DIR_FILES; i += 1) add(row(`/data/big/file-${String(i).padStart(6, '0')}.dat`, 4096 + i));
  let remaining = FILES - BIG_DIR_FILES;
  for (let dir = 0; remaining > 0; dir += 1) {
    const name = `/data/d${String(dir).padStart(4, '0')}`;
    add({ ...row(name, 0), type: 'directory', mode: 0o40755 });
    for (let i = 0; i < PER_DIR && remaining > 0; i += 1, remaining -= 1) add(row(`${name}/report-${dir}-${i}.txt`, 1000 + i));
  }
  flush();
  const stagedMs = performance.now() - started;
  const iso = new Date().toISOString();
  store.commitSaveset({ id: SAVESET, task: 'bench', type: 'full', status: 'successful', started: iso, ended: iso, backupDay: iso.slice(0, 10), bytes: 0, files: FILES, compress: 'none', base: null, media: ['BENCH0L8'] }, [], CURRENT_CHECKSUM);
  console.log(`# built the index in ${((performance.now() - started) / 1000).toFixed(1)} s (staged ${(stagedMs / 1000).toFixed(1)} s, committed ${((performance.now() - started - stagedMs) / 1000).toFixed(1)} s); ${store.fileCount(SAVESET)} rows`);
  // The agent builds a saveset's name-search (trigram) index in the background after its commit;
  // build it here first, so the searches below measure the index and not the LIKE fallback.
  const namesStarted = performance.now();
  await new NameSearch(db).build(SAVESET);
  console.log(`# built the name-search index in ${((performance.now() - namesStarted) / 1000).toFixed(1)} s`);
  db.close();
}

const agent = await startInProcess(init);
let resolveOnline;
const online = new Promise((resolve) => (resolveOnline = resolve));
const link = new AgentLink({
  host: '127.0.0.1',
  port: agent.port,
  fingerprint: agent.identity.fingerprint,
  token: init.token,
  onEvent: (event) => {
    if (event.type === 'online') resolveOnline();
  },
});
link.start();
await online;

const anchorDb = new Database(paths.catalog, { readonly: true });
const children = anchorDb.prepare('SELECT * FROM files WHERE saveset = ? AND parent = ? AND name > ? ORDER BY name LIMIT ?');
const search = anchorDb.prepare("SELECT * FROM files WHERE saveset = ? AND name LIKE ? ESCAPE '\\' ORDER BY path LIMIT ?");

async function timed(fn) {
  const start = performance.now();
  const result = await fn();
  return { ms: performance.now() - start, result };
}

async function figures(fn) {
  const first = await timed(fn);
  const rest = [];
  for (let i = 0; i < ROUNDS; i += 1) rest.push((await timed(fn)).ms);
  rest.sort((a, b) => a - b);
  return { first: first.ms, median: rest[Math.floor(rest.length / 2)], count: Array.isArray(first.result) ? first.result.length : (first.result.entries?.length ?? 0) };
}

const cases = [
  { label: 'browse /data/big (first 200)', target: '≤ 200 ms', ours: () => link.command('saveset:browse', { id: SAVESET, dir: '/data/big' }), anchor: () => children.all(SAVESET, '/data/big', '', 201) },
  { label: 'browse /data (first 200)', target: '≤ 200 ms', ours: () => link.command('saveset:browse', { id: SAVESET, dir: '/data' }), anchor: () => children.all(SAVESET, '/data', '', 201) },
  { label: 'search "report-7-99" (rare)', target: '≤ 1 s', ours: () => link.command('saveset:search', { id: SAVESET, text: 'report-7-99' }), anchor: () => search.all(SAVESET, '%report-7-99%', 200) },
  { label: 'search "nomatch" (none)', target: '≤ 1 s', ours: () => link.command('saveset:search', { id: SAVESET, text: 'nomatch' }), anchor: () => search.all(SAVESET, '%nomatch%', 200) },
  { label: 'search "file-" (many)', target: '≤ 1 s', ours: () => link.command('saveset:search', { id: SAVESET, text: 'file-' }), anchor: () => search.all(SAVESET, '%file-%', 200) },
];
const f = (ms) => ms.toFixed(1).padStart(8);
for (const c of cases) {
  const ours = await figures(c.ours);
  const anchor = await figures(c.anchor);
  console.log(
    `${c.label.padEnd(30)} SQL only first ${f(anchor.first)} ms median ${f(anchor.median)} ms | Floe first ${f(ours.first)} ms median ${f(ours.median)} ms (${ours.count} rows) | target ${c.target}`,
  );
}

link.dispose();
anchorDb.close();
await agent.close();
rmSync(dirname(init.dataDir), { recursive: true, force: true });
