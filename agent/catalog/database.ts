/**
 * The location's catalog: one SQLite file (`catalog.db`, WAL). Each domain owns its tables and
 * brings them up to date with `ensureSchema(db, domain, migrations)`; versions are kept per domain,
 * so domains evolve independently.
 */
import Database from 'better-sqlite3';

export type CatalogDb = Database.Database;

export function openCatalog(path: string): CatalogDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_versions (domain TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  return db;
}

/** Applies `migrations[current..]` for `domain`, each in its own transaction. */
export function ensureSchema(db: CatalogDb, domain: string, migrations: readonly string[]): void {
  const row = db.prepare('SELECT version FROM schema_versions WHERE domain = ?').get(domain) as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (version > migrations.length) {
    throw new Error(`catalog.db has ${domain} schema version ${version}, newer than this agent knows (${migrations.length}); upgrade floe-agent`);
  }
  for (; version < migrations.length; version += 1) {
    const migration = migrations[version] ?? '';
    db.transaction(() => {
      db.exec(migration);
      db.prepare('INSERT INTO schema_versions (domain, version) VALUES (?, ?) ON CONFLICT(domain) DO UPDATE SET version = excluded.version').run(domain, version + 1);
    })();
  }
}
