/**
 * The license's memory of time in the catalog (domain "license"): when the agent first started (the
 * trial runs from there) and the highest time it has ever seen, so moving the clock back never
 * extends a trial or a license.
 */
import { ensureSchema, type CatalogDb } from '../catalog/database.js';

const MIGRATIONS = [
  `CREATE TABLE license_clock (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     first_start_ms INTEGER NOT NULL,
     highest_seen_ms INTEGER NOT NULL
   );`,
];

/** The highest time seen is written at most this often (a restart may forget less than this). */
const WRITE_EVERY_MS = 60_000;

export class LicenseClockStore {
  private highest: number | undefined;
  private written = 0;

  constructor(private readonly db: CatalogDb) {
    ensureSchema(db, 'license', MIGRATIONS);
  }

  /** The first start of this agent; recorded as `now` the first time it is asked. */
  firstStart(now: Date): Date {
    this.db.prepare('INSERT OR IGNORE INTO license_clock (id, first_start_ms, highest_seen_ms) VALUES (1, ?, ?)').run(now.getTime(), now.getTime());
    const row = this.db.prepare('SELECT first_start_ms FROM license_clock WHERE id = 1').get() as { first_start_ms: number };
    return new Date(row.first_start_ms);
  }

  /** max(now, the highest time seen so far), remembering `now` when it is the highest. */
  effectiveNow(now: Date): Date {
    if (this.highest === undefined) {
      this.firstStart(now);
      const row = this.db.prepare('SELECT highest_seen_ms FROM license_clock WHERE id = 1').get() as { highest_seen_ms: number };
      this.highest = row.highest_seen_ms;
      this.written = row.highest_seen_ms;
    }
    this.highest = Math.max(this.highest, now.getTime());
    if (this.highest - this.written >= WRITE_EVERY_MS) {
      this.db.prepare('UPDATE license_clock SET highest_seen_ms = MAX(highest_seen_ms, ?) WHERE id = 1').run(this.highest);
      this.written = this.highest;
    }
    return new Date(this.highest);
  }
}
