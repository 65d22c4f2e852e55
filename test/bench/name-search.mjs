// The file index of a saveset of a million files (FLOE_BENCH_INDEX_FILES): paged browsing, name
// search through the trigram index, and the LIKE scan it replaces (the anchor, measured in the same
// run), plus the background build time of the search index. Run: node --import tsx test/bench/name-search.mjs.
// Prints figures; never fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalog } from '../../agent/catalog/database.js';
import { EngineStore } from '../../agent/engine/engine-store.js';
import { NameSearch } from '../../agent/engine/name-search.js';

const FILES = Number(process.env.FLOE_BENCH_INDEX_FILES ?? 1_000_000);
const root = mkdtempSync(join(tmpdir(), 'floe-bench-index-'));
const db = openCatalog(join(root, 'catalog.db'));
const store = new EngineStore(db);
const ms = (start) => (Number(process.hrtime.bigint() - start) / 1e6).toFixed(1);
const best = (fn, rounds = 5) => {
  let min = Infinity;
  let result;
  for (let i = 0; i < rounds; i += 1) {
    const start = process.hrtime.bigint();
    result = fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return `${min.toFixed(1)} ms (${Array.isArray(result) ? result.length : result} results)`;
};

let start = process.hrtime.bigint();
for (let from = 0; from < FILES; from += 100_000) {
  const rows = [];
  for (let i = from; i < Math.min(FILES, from + 100_000); i += 1) {
    const dir = `/srv/data/d${Math.floor(i / 1000)}`;
    rows.push({ path: `${dir}/file-${i}-${((i * 2654435761) % 1e9).toString(36)}.dat`, type: 'file', size: i, mtime: 1, ctime: 1, ino: i + 1, mode: 0o644, uid: 0, gid: 0, checksum: null, linkTarget: null, deleted: false });
  }
  store.stageFiles('S1', rows);
}
store.commitSaveset({ id: 'S1', task: 'bench', type: 'full', status: 'successful', started: '2026-01-01T00:00:00.000Z', ended: '2026-01-01T00:00:01.000Z', backupDay: '2026-01-01', bytes: 0, files: FILES, compress: 'none', base: null, media: [] }, [], 'crc32');
console.log(`# ${FILES} files staged and committed in ${ms(start)} ms`);
const names = new NameSearch(db);
start = process.hrtime.bigint();
await names.build('S1');
console.log(`search index build (background, after the commit): ${ms(start)} ms`);
console.log(`browse one page of 100 (files_by_parent): ${best(() => store.children('S1', '/srv/data/d500', 'file-500500', 100))}`);
for (const text of ['nothing-matches', 'file-77777', '-12']) {
  console.log(`search "${text}": trigram index ${best(() => names.paths('S1', text, 100))}; anchor LIKE scan ${best(() => store.search('S1', text, 100), 2)}`);
}
db.close();
rmSync(root, { recursive: true, force: true });
