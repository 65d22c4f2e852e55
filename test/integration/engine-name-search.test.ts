/**
 * The file index's browsing and name search on a real SQLite catalog: both go through an index
 * (EXPLAIN QUERY PLAN), the trigram search answers exactly what the LIKE scan answers (same rows,
 * same order, hostile characters included), and a build cut short resumes where it stopped.
 * Figures on a million files: `node --import tsx test/bench/name-search.mjs`.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCatalog, type CatalogDb } from '../../agent/catalog/database.js';
import { EngineStore, type IndexRow } from '../../agent/engine/engine-store.js';
import { NameSearch } from '../../agent/engine/name-search.js';
import { tempDir } from '../helpers/agents.js';

const dbs: CatalogDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
});

const NAMES = ['report 100%.txt', 'under_score.log', 'quote"d.md', 'Ünïcødé-名前.txt', 'UPPER-case.TXT', 'a.b', 'plain.bin'];

function rows(count: number): IndexRow[] {
  const out: IndexRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const dir = `/data/d${String(i % 97).padStart(2, '0')}`;
    const name = i < NAMES.length ? (NAMES[i] as string) : `file-${i}-${(i * 2654435761 % 1e9).toString(36)}.dat`;
    out.push({ path: `${dir}/${name}`, type: 'file', size: i, mtime: 1, ctime: 1, ino: i + 1, mode: 0o644, uid: 0, gid: 0, checksum: null, linkTarget: null, deleted: false });
  }
  return out;
}

function catalog(count: number, saveset = 'S1'): { db: CatalogDb; store: EngineStore } {
  const db = openCatalog(join(tempDir('name-search'), 'catalog.db'));
  dbs.push(db);
  const store = new EngineStore(db);
  store.stageFiles(saveset, rows(count));
  store.commitSaveset(
    { id: saveset, task: 't', type: 'full', status: 'successful', started: '2026-11-29T10:00:00.000Z', ended: '2026-11-29T10:01:00.000Z', backupDay: '2026-11-29', bytes: 1, files: count, compress: 'none', base: null, media: ['DAILY00001'] },
    [],
    'crc32',
  );
  return { db, store };
}

describe('file index queries', () => {
  it('browse and search run on indexes (EXPLAIN QUERY PLAN)', async () => {
    const { db, store } = catalog(2000);
    const names = new NameSearch(db);
    await names.build('S1');
    const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>).map((row) => row.detail).join(' | ');
    expect(plan('SELECT * FROM files WHERE saveset = ? AND parent = ? AND name > ? ORDER BY name LIMIT ?', 'S1', '/data/d01', '', 100)).toMatch(/USING INDEX files_by_parent \(saveset=\? AND parent=\? AND name>\?\)/);
    expect(plan('SELECT path FROM name_search WHERE name LIKE ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?', '%abc%', 0, 2 ** 32, 10)).toMatch(/VIRTUAL TABLE INDEX \d+:L0></); // L0: LIKE on the name through the trigram index; ><: the rowid range of the saveset
    expect(plan('SELECT * FROM files WHERE saveset = ? AND path = ?', 'S1', '/x')).toMatch(/PRIMARY KEY \(saveset=\? AND path=\?\)/);
    expect(store.children('S1', '/data/d01', '', 5).map((entry) => entry.name)).toEqual([...store.children('S1', '/data/d01', '', 500)].map((entry) => entry.name).sort().slice(0, 5));
  });

  it('answers exactly as the scan does, for every kind of text', async () => {
    const { db, store } = catalog(5000);
    const names = new NameSearch(db);
    expect(names.paths('S1', 'file-1', 10)).toBeNull(); // not built: the caller scans
    await names.build('S1');
    expect(names.ready('S1')).toBe(true);
    expect(names.paths('S1', '100%', 10)).toBeNull(); // LIKE wildcards: the caller scans
    for (const text of ['quote"d', 'ünïcødé', 'Ünïcødé', '名前.t', 'upper-CASE', 'file-12', 'nothing-like-this', '.dat', 'd.m']) {
      const scanned = store.search('S1', text, 50).map((entry) => entry.path);
      expect(names.paths('S1', text, 50), text).toEqual(scanned);
    }
    expect(names.paths('S1', 'a.', 10)).toBeNull(); // shorter than a trigram: the caller scans
  });

  it('keeps savesets apart and resumes a build cut short', async () => {
    const { db, store } = catalog(45_000, 'S1');
    store.stageFiles('S2', rows(10).map((row) => ({ ...row, path: row.path.replace('/data', '/other') })));
    store.commitSaveset({ id: 'S2', task: 't', type: 'full', status: 'successful', started: '2026-11-29T11:00:00.000Z', ended: '2026-11-29T11:01:00.000Z', backupDay: '2026-11-29', bytes: 1, files: 10, compress: 'none', base: null, media: [] }, [], 'crc32');
    const first = new NameSearch(db);
    const cut = first.build('S1');
    await first.close(); // stops after the batch in progress
    await cut;
    expect(first.ready('S1')).toBe(false);
    const second = new NameSearch(db);
    await second.build('S1');
    await second.build('S2');
    expect((db.prepare('SELECT COUNT(*) AS n FROM name_search').get() as { n: number }).n).toBe(45_010);
    expect(second.paths('S1', 'report', 10)).toEqual(['/data/d00/report 100%.txt']);
    expect(second.paths('S2', 'report', 10)).toEqual(['/other/d00/report 100%.txt']);
    expect(second.paths('S1', 'file-44999', 10)).toEqual(store.search('S1', 'file-44999', 10).map((entry) => entry.path));
  });

  it('waits while a backup runs, then builds', async () => {
    const { db } = catalog(3000);
    let backupRunning = true;
    let looks = 0;
    const names = new NameSearch(db, () => {
      looks += 1;
      return backupRunning;
    });
    const built = names.build('S1');
    await vi.waitFor(() => expect(looks).toBeGreaterThanOrEqual(3), { timeout: 5000, interval: 50 });
    expect((db.prepare('SELECT COUNT(*) AS n FROM name_search').get() as { n: number }).n).toBe(0); // not one batch meanwhile
    expect(names.ready('S1')).toBe(false);
    backupRunning = false;
    await built;
    expect(names.ready('S1')).toBe(true);
    expect((db.prepare('SELECT COUNT(*) AS n FROM name_search').get() as { n: number }).n).toBe(3000);
  });
});
