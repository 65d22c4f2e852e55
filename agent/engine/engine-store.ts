/**
 * The engine's part of the catalog (domain "engine"): tasks, jobs with their protocol, savesets
 * with their chunks and file index. A saveset becomes visible only in `commitSaveset`, one
 * transaction that is the last step of a backup. Its index rows are written into `files` while
 * the backup runs (index-writer.ts), invisible until then: `pending_index` lists such savesets.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Job, JobLogLine, Saveset, Task } from '../../shared/engine.js';
import { ensureSchema, type CatalogDb } from '../catalog/database.js';
import { isChecksumAlgorithm, type ChecksumAlgorithm } from './checksum.js';
import { indexWriter } from './index-writer.js';

const MIGRATIONS = [
  `CREATE TABLE tasks (name TEXT PRIMARY KEY, config TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE TABLE jobs (id TEXT PRIMARY KEY, data TEXT NOT NULL, state TEXT NOT NULL, queued_at TEXT NOT NULL);
   CREATE INDEX jobs_by_time ON jobs (queued_at);
   CREATE TABLE job_log (job TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, level TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (job, seq));
   CREATE TABLE savesets (
     id TEXT PRIMARY KEY, task TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
     started TEXT NOT NULL, ended TEXT NOT NULL, backup_day TEXT NOT NULL, bytes INTEGER NOT NULL,
     files INTEGER NOT NULL, compress TEXT NOT NULL, base TEXT, media TEXT NOT NULL
   );
   CREATE INDEX savesets_by_task ON savesets (task, started);
   CREATE TABLE chunks (
     saveset TEXT NOT NULL REFERENCES savesets(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
     label TEXT NOT NULL, file_number INTEGER NOT NULL, name TEXT NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL,
     PRIMARY KEY (saveset, idx)
   );
   CREATE TABLE files (
     saveset TEXT NOT NULL, path TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     size INTEGER NOT NULL, mtime REAL NOT NULL, ctime REAL NOT NULL, ino INTEGER NOT NULL, mode INTEGER NOT NULL,
     uid INTEGER NOT NULL, gid INTEGER NOT NULL, checksum TEXT, link_target TEXT, deleted INTEGER NOT NULL,
     PRIMARY KEY (saveset, path)
   ) WITHOUT ROWID;
   CREATE INDEX files_by_parent ON files (saveset, parent, name);
   CREATE TABLE staging_files (
     job TEXT NOT NULL, path TEXT NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     size INTEGER NOT NULL, mtime REAL NOT NULL, ctime REAL NOT NULL, ino INTEGER NOT NULL, mode INTEGER NOT NULL,
     uid INTEGER NOT NULL, gid INTEGER NOT NULL, checksum TEXT, link_target TEXT, deleted INTEGER NOT NULL,
     PRIMARY KEY (job, path)
   ) WITHOUT ROWID;`,
  `CREATE TABLE job_log_archive (job TEXT PRIMARY KEY, gz BLOB NOT NULL);`,
  // The checksum algorithm of a saveset's file index and chunks (older savesets: SHA-256).
  `ALTER TABLE savesets ADD COLUMN checksum TEXT NOT NULL DEFAULT 'sha256';
   ALTER TABLE chunks RENAME COLUMN sha256 TO checksum;`,
  // Index rows go straight into `files` during the backup; staging them cost a copy at commit.
  `CREATE TABLE pending_index (saveset TEXT PRIMARY KEY);
   DROP TABLE staging_files;`,
];

export interface ChunkRecord {
  readonly index: number;
  readonly label: string;
  readonly fileNumber: number;
  readonly name: string;
  readonly bytes: number;
  /** Hex, with the saveset's checksum algorithm (`EngineStore.checksumAlgorithm`). */
  readonly checksum: string;
}

/** One row of the file index, as scanned and archived. */
export interface IndexRow {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';
  readonly size: number;
  readonly mtime: number;
  readonly ctime: number;
  readonly ino: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly checksum: string | null;
  readonly linkTarget: string | null;
  readonly deleted: boolean;
}

export interface IndexEntry extends IndexRow {
  readonly name: string;
}

type FileRow = { path: string; name: string; type: IndexRow['type']; size: number; mtime: number; ctime: number; ino: number; mode: number; uid: number; gid: number; checksum: string | null; link_target: string | null; deleted: number };

function toEntry(row: FileRow): IndexEntry {
  return { path: row.path, name: row.name, type: row.type, size: row.size, mtime: row.mtime, ctime: row.ctime, ino: row.ino, mode: row.mode, uid: row.uid, gid: row.gid, checksum: row.checksum, linkTarget: row.link_target, deleted: row.deleted === 1 };
}

export class EngineStore {
  constructor(private readonly db: CatalogDb) {
    ensureSchema(db, 'engine', MIGRATIONS);
  }

  // ── tasks ──
  tasks(): Task[] {
    return (this.db.prepare('SELECT config FROM tasks ORDER BY name').all() as Array<{ config: string }>).map((row) => JSON.parse(row.config) as Task);
  }

  task(name: string): Task | undefined {
    const row = this.db.prepare('SELECT config FROM tasks WHERE name = ?').get(name) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as Task) : undefined;
  }

  addTask(task: Task, now: Date): void {
    this.db.prepare('INSERT INTO tasks (name, config, created_at) VALUES (?, ?, ?)').run(task.name, JSON.stringify(task), now.toISOString());
  }

  updateTask(task: Task): boolean {
    return this.db.prepare('UPDATE tasks SET config = ? WHERE name = ?').run(JSON.stringify(task), task.name).changes > 0;
  }

  removeTask(name: string): boolean {
    return this.db.prepare('DELETE FROM tasks WHERE name = ?').run(name).changes > 0;
  }

  // ── jobs ──
  putJob(job: Job): void {
    this.db
      .prepare('INSERT INTO jobs (id, data, state, queued_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data, state = excluded.state')
      .run(job.id, JSON.stringify(job), job.state, job.queuedAt);
  }

  jobs(limit: number): Job[] {
    return (this.db.prepare('SELECT data FROM jobs ORDER BY queued_at DESC LIMIT ?').all(limit) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as Job);
  }

  job(id: string): Job | undefined {
    const row = this.db.prepare('SELECT data FROM jobs WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Job) : undefined;
  }

  /** Jobs that were not final when the agent stopped. */
  unfinishedJobs(): Job[] {
    return (this.db.prepare("SELECT data FROM jobs WHERE state NOT IN ('successful', 'warning', 'error', 'cancelled')").all() as Array<{ data: string }>).map(
      (row) => JSON.parse(row.data) as Job,
    );
  }

  appendLog(job: string, line: JobLogLine): void {
    this.db.prepare('INSERT INTO job_log (job, seq, at, level, text) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_log WHERE job = ?), ?, ?, ?)').run(job, job, line.at, line.level, line.text);
  }

  log(job: string, afterSeq: number, limit: number): Array<JobLogLine & { seq: number }> {
    const archived = this.db.prepare('SELECT gz FROM job_log_archive WHERE job = ?').get(job) as { gz: Buffer } | undefined;
    if (archived) {
      const lines = JSON.parse(gunzipSync(archived.gz).toString('utf8')) as Array<JobLogLine & { seq: number }>;
      return lines.filter((line) => line.seq > afterSeq).slice(0, limit);
    }
    return this.db.prepare('SELECT seq, at, level, text FROM job_log WHERE job = ? AND seq > ? ORDER BY seq LIMIT ?').all(job, afterSeq, limit) as Array<JobLogLine & { seq: number }>;
  }

  /** Compresses the protocols of finished jobs queued before `before` (NEWDAY housekeeping). */
  compressLogs(before: Date): number {
    const jobs = this.db
      .prepare("SELECT DISTINCT l.job AS job FROM job_log l JOIN jobs j ON j.id = l.job WHERE j.queued_at < ? AND j.state IN ('successful', 'warning', 'error', 'cancelled')")
      .all(before.toISOString()) as Array<{ job: string }>;
    const read = this.db.prepare('SELECT seq, at, level, text FROM job_log WHERE job = ? ORDER BY seq');
    const archive = this.db.prepare('INSERT OR REPLACE INTO job_log_archive (job, gz) VALUES (?, ?)');
    const remove = this.db.prepare('DELETE FROM job_log WHERE job = ?');
    this.db.transaction(() => {
      for (const { job } of jobs) {
        archive.run(job, gzipSync(JSON.stringify(read.all(job))));
        remove.run(job);
      }
    })();
    return jobs.length;
  }

  // ── file index, while a backup writes it ──
  /** Writes index rows of a saveset not yet committed (tests and benchmarks; backups use the archive worker's own writer). */
  stageFiles(saveset: string, rows: readonly IndexRow[]): void {
    const writer = indexWriter(this.db, saveset);
    for (const row of rows) writer.add(row);
    writer.flush();
  }

  /** Marks a saveset's index as being written, before the first row. */
  beginIndex(saveset: string): void {
    this.db.prepare('INSERT OR IGNORE INTO pending_index (saveset) VALUES (?)').run(saveset);
  }

  isPendingIndex(saveset: string): boolean {
    return this.db.prepare('SELECT 1 FROM pending_index WHERE saveset = ?').get(saveset) !== undefined;
  }

  /** Removes the rows of an index never committed (a failed or cancelled backup). */
  discardIndex(saveset: string): void {
    this.db.transaction(() => {
      if (!this.isPendingIndex(saveset)) return; // committed: its rows belong to a visible saveset
      this.db.prepare('DELETE FROM files WHERE saveset = ?').run(saveset);
      this.db.prepare('DELETE FROM pending_index WHERE saveset = ?').run(saveset);
    })();
  }

  /** At the agent's start: removes the rows of every index a stopped agent left uncommitted. */
  discardPendingIndexes(): number {
    const pending = (this.db.prepare('SELECT saveset FROM pending_index').all() as Array<{ saveset: string }>).map((row) => row.saveset);
    for (const saveset of pending) this.discardIndex(saveset);
    return pending.length;
  }

  // ── savesets ──
  /** Makes a saveset visible: its row and its chunks, in one transaction; its index rows were written already. */
  commitSaveset(saveset: Saveset, chunks: readonly ChunkRecord[], checksum: ChecksumAlgorithm): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO savesets (id, task, type, status, started, ended, backup_day, bytes, files, compress, base, media, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(saveset.id, saveset.task, saveset.type, saveset.status, saveset.started, saveset.ended, saveset.backupDay, saveset.bytes, saveset.files, saveset.compress, saveset.base, JSON.stringify(saveset.media), checksum);
      const chunk = this.db.prepare('INSERT INTO chunks (saveset, idx, label, file_number, name, bytes, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (const c of chunks) chunk.run(saveset.id, c.index, c.label, c.fileNumber, c.name, c.bytes, c.checksum);
      this.db.prepare('DELETE FROM pending_index WHERE saveset = ?').run(saveset.id);
    })();
  }

  savesets(task?: string): Saveset[] {
    const rows = (task === undefined ? this.db.prepare('SELECT * FROM savesets ORDER BY started').all() : this.db.prepare('SELECT * FROM savesets WHERE task = ? ORDER BY started').all(task)) as SavesetRow[];
    return rows.map(toSaveset);
  }

  saveset(id: string): Saveset | undefined {
    const row = this.db.prepare('SELECT * FROM savesets WHERE id = ?').get(id) as SavesetRow | undefined;
    return row ? toSaveset(row) : undefined;
  }

  chunks(saveset: string): ChunkRecord[] {
    return (this.db.prepare('SELECT idx, label, file_number, name, bytes, checksum FROM chunks WHERE saveset = ? ORDER BY idx').all(saveset) as Array<{ idx: number; label: string; file_number: number; name: string; bytes: number; checksum: string }>).map(
      (row) => ({ index: row.idx, label: row.label, fileNumber: row.file_number, name: row.name, bytes: row.bytes, checksum: row.checksum }),
    );
  }

  /** The algorithm of a saveset's file checksums and chunk checksums. */
  checksumAlgorithm(saveset: string): ChecksumAlgorithm {
    const row = this.db.prepare('SELECT checksum FROM savesets WHERE id = ?').get(saveset) as { checksum: string } | undefined;
    if (!row) throw new Error(`saveset ${saveset} is not in the catalog`);
    if (!isChecksumAlgorithm(row.checksum)) throw new Error(`saveset ${saveset} uses checksum "${row.checksum}", which this agent does not know; upgrade floe-agent`);
    return row.checksum;
  }

  /** The catalog database file (the archive worker opens its own connection to it). */
  get path(): string {
    return this.db.name;
  }

  /** The newest saveset of a task among `types`, started before `before` if given. */
  latestSaveset(task: string, types: readonly string[]): Saveset | undefined {
    const marks = types.map(() => '?').join(', ');
    const row = this.db.prepare(`SELECT * FROM savesets WHERE task = ? AND type IN (${marks}) ORDER BY started DESC LIMIT 1`).get(task, ...types) as SavesetRow | undefined;
    return row ? toSaveset(row) : undefined;
  }

  /** Every file row of one saveset (for change detection and chain resolution). */
  *indexOf(saveset: string): Generator<IndexEntry> {
    for (const row of this.db.prepare('SELECT * FROM files WHERE saveset = ?').iterate(saveset) as Iterable<FileRow>) yield toEntry(row);
  }

  /** A page of a directory's children, ordered by name, after `after`. */
  children(saveset: string, dir: string, after: string, limit: number): IndexEntry[] {
    return (this.db.prepare('SELECT * FROM files WHERE saveset = ? AND parent = ? AND name > ? ORDER BY name LIMIT ?').all(saveset, dir, after, limit) as FileRow[]).map(toEntry);
  }

  /** How many entries the saveset's archive holds, their logical bytes and its largest entry, as the index recorded them. */
  indexTotals(saveset: string): { entries: number; bytes: number; largest: number } {
    const row = this.db.prepare('SELECT COUNT(*) AS entries, COALESCE(SUM(size), 0) AS bytes, COALESCE(MAX(size), 0) AS largest FROM files WHERE saveset = ? AND deleted = 0').get(saveset) as { entries: number; bytes: number; largest: number };
    return row;
  }

  /** The index rows of `paths` in `saveset`, in the order given (paths not in the index are left out). */
  entriesAt(saveset: string, paths: readonly string[]): IndexEntry[] {
    const get = this.db.prepare('SELECT * FROM files WHERE saveset = ? AND path = ?');
    return paths.map((path) => get.get(saveset, path) as FileRow | undefined).filter((row): row is FileRow => row !== undefined).map(toEntry);
  }

  /** Files whose name contains `text` (case-insensitive), at most `limit`. */
  search(saveset: string, text: string, limit: number): IndexEntry[] {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return (this.db.prepare("SELECT * FROM files WHERE saveset = ? AND name LIKE ? ESCAPE '\\' ORDER BY path LIMIT ?").all(saveset, pattern, limit) as FileRow[]).map(toEntry);
  }

  /**
   * Files of the saveset that share an inode with a file at or under one of `roots` but lie outside
   * them: the other names of hard links. A restore of selected paths brings them along, since tar
   * stores the data only under the first name it met and every other name as a link to it.
   */
  hardLinkPeers(saveset: string, roots: readonly string[]): string[] {
    if (roots.length === 0) return [];
    const selected = roots.map(() => "(path = ? OR (path > ? AND path < ?))").join(' OR ');
    const bounds = roots.flatMap((root) => {
      const dir = root.endsWith('/') ? root : `${root}/`;
      return [root, dir, `${dir.slice(0, -1)}0`]; // '0' follows '/': everything under dir sorts before it
    });
    const rows = this.db
      .prepare(
        `SELECT path FROM files WHERE saveset = ? AND type = 'file' AND deleted = 0 AND ino IN (
           SELECT ino FROM files WHERE saveset = ? AND type = 'file' AND deleted = 0 AND (${selected}))`,
      )
      .all(saveset, saveset, ...bounds) as Array<{ path: string }>;
    return rows.map((row) => row.path);
  }

  fileCount(saveset: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM files WHERE saveset = ?').get(saveset) as { n: number }).n;
  }
}

type SavesetRow = { id: string; task: string; type: Saveset['type']; status: Saveset['status']; started: string; ended: string; backup_day: string; bytes: number; files: number; compress: Saveset['compress']; base: string | null; media: string };

function toSaveset(row: SavesetRow): Saveset {
  return {
    id: row.id,
    task: row.task,
    type: row.type,
    status: row.status,
    started: row.started,
    ended: row.ended,
    backupDay: row.backup_day,
    bytes: row.bytes,
    files: row.files,
    compress: row.compress,
    base: row.base,
    media: JSON.parse(row.media) as string[],
  };
}
