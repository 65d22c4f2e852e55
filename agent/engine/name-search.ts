/**
 * Name search that stays fast on a saveset of a million files. `files` is keyed by (saveset, path),
 * so `name LIKE '%text%'` has to read every row of the saveset (1-2 s for a million rows on a busy
 * machine). This keeps an FTS5 trigram index of the names instead (SQLite ≥ 3.34): a substring of
 * three characters or more is found through the index in milliseconds.
 *
 * - Built in the background, after the saveset is committed (never inside the commit: the backup's
 *   last step stays short), in batches of BATCH rows with the event loop free between them; the
 *   progress is kept in `name_search_state`, so a build cut by a restart resumes where it stopped.
 *   While a backup runs (`busy`), the build waits between batches: the next task of a nightly run
 *   keeps the agent's CPU, and search answers from the scan meanwhile.
 * - Rows of saveset number n get rowids n·2^32 + k, in path order: a query gives the FTS5 index a rowid
 *   range, so it reads only that saveset's matches, already in path order.
 * - Queries are `name LIKE '%text%'` on the FTS5 table, which the trigram index answers (same
 *   semantics as LIKE on `files`: case-insensitive for ASCII). Until a saveset's index is complete,
 *   for texts shorter than three characters (no trigram) and for texts holding `%` or `_` (LIKE's
 *   wildcards; the index takes no ESCAPE), search falls back to the LIKE scan of `files`, so results
 *   never depend on timing.
 */
import type { CatalogDb } from '../catalog/database.js';
import { ensureSchema } from '../catalog/database.js';

const MIGRATIONS = [
  `CREATE VIRTUAL TABLE name_search USING fts5(name, path UNINDEXED, tokenize = 'trigram', detail = 'none');
   CREATE TABLE name_search_state (saveset TEXT PRIMARY KEY, number INTEGER NOT NULL UNIQUE, after TEXT NOT NULL, rows INTEGER NOT NULL, done INTEGER NOT NULL);`,
];

const SPAN = 2 ** 32;
/**
 * Rows per transaction: small enough that the agent stays responsive while a million names are
 * indexed (about 16 ms per batch on a quiet machine: the 1M build took 7.9 s at 5,000 per batch,
 * 10.3 s at 2,000), large enough that the commits' fsyncs stay a small part of the build.
 */
const BATCH = 2_000;
/** How often a build waiting for the agent to be idle looks again. */
const IDLE_POLL_MS = 250;

interface State {
  saveset: string;
  number: number;
  after: string;
  rows: number;
  done: number;
}

export class NameSearch {
  private readonly building = new Map<string, Promise<void>>();
  private closed = false;

  /** `busy`: whether work that comes first is running (a backup); the build waits while it is. */
  constructor(
    private readonly db: CatalogDb,
    private readonly busy: () => boolean = () => false,
  ) {
    ensureSchema(db, 'name-search', MIGRATIONS);
  }

  /** Whether the trigram index of `saveset` is complete. */
  ready(saveset: string): boolean {
    return this.state(saveset)?.done === 1;
  }

  /**
   * Paths of files whose name contains `text` (case-insensitive for ASCII), in path order, at most
   * `limit`; null when the index cannot answer (not built yet, or `text` shorter than 3 characters).
   */
  paths(saveset: string, text: string, limit: number): string[] | null {
    // The index serves LIKE without ESCAPE: a text holding LIKE's own wildcards is left to the scan.
    if ([...text].length < 3 || /[%_]/.test(text)) return null;
    const state = this.state(saveset);
    if (state?.done !== 1) return null;
    const base = state.number * SPAN;
    const rows = this.db
      .prepare('SELECT path FROM name_search WHERE name LIKE ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?')
      .all(`%${text}%`, base, base + SPAN, limit) as Array<{ path: string }>;
    return rows.map((row) => row.path);
  }

  /** Starts (or resumes) building the index of `saveset` in the background; resolves when it is complete. */
  build(saveset: string): Promise<void> {
    const running = this.building.get(saveset);
    if (running) return running;
    const run = this.run(saveset).finally(() => this.building.delete(saveset));
    this.building.set(saveset, run);
    return run;
  }

  /** Stops building between batches (agent shutdown); a later build resumes. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.building.values()]);
  }

  private state(saveset: string): State | undefined {
    return this.db.prepare('SELECT * FROM name_search_state WHERE saveset = ?').get(saveset) as State | undefined;
  }

  private async run(saveset: string): Promise<void> {
    let state = this.state(saveset);
    if (!state) {
      const next = (this.db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM name_search_state').get() as { n: number }).n;
      this.db.prepare('INSERT INTO name_search_state (saveset, number, after, rows, done) VALUES (?, ?, ?, 0, 0)').run(saveset, next, '');
      state = { saveset, number: next, after: '', rows: 0, done: 0 };
    }
    const read = this.db.prepare("SELECT path, name FROM files WHERE saveset = ? AND path > ? AND deleted = 0 ORDER BY path LIMIT ?");
    const insert = this.db.prepare('INSERT INTO name_search (rowid, name, path) VALUES (?, ?, ?)');
    const progress = this.db.prepare('UPDATE name_search_state SET after = ?, rows = ?, done = ? WHERE saveset = ?');
    let { after, rows } = state;
    // The agent closes the catalog on shutdown; the build stops there and resumes at the next one.
    while (state.done !== 1 && !this.closed && this.db.open) {
      if (this.busy()) {
        await new Promise<void>((resolve) => setTimeout(resolve, IDLE_POLL_MS));
        continue;
      }
      const batch = read.all(saveset, after, BATCH) as Array<{ path: string; name: string }>;
      const last = batch.at(-1);
      this.db.transaction(() => {
        for (const row of batch) insert.run(state.number * SPAN + rows++, row.name, row.path);
        if (last) after = last.path;
        progress.run(after, rows, batch.length < BATCH ? 1 : 0, saveset);
      })();
      if (batch.length < BATCH) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
