/** Persistence of loaders, pools, media and cleaning counts in the catalog (domain "devices"). */
import type { LoaderElement, Media, MediaLocation, MediaState, Pool } from '../../shared/devices.js';
import { ensureSchema, type CatalogDb } from '../catalog/database.js';

const MIGRATIONS = [
  `CREATE TABLE loaders (
     name TEXT PRIMARY KEY,
     kind TEXT NOT NULL CHECK (kind IN ('vtl', 'mtx')),
     config TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE TABLE expected_elements (
     loader TEXT NOT NULL REFERENCES loaders(name) ON DELETE CASCADE,
     kind TEXT NOT NULL,
     number INTEGER NOT NULL,
     barcode TEXT,
     PRIMARY KEY (loader, kind, number)
   );
   CREATE TABLE pools (
     name TEXT PRIMARY KEY,
     label_pattern TEXT NOT NULL,
     retention_days INTEGER NOT NULL,
     media_type TEXT NOT NULL,
     allocation TEXT NOT NULL
   );
   CREATE TABLE media (
     label TEXT PRIMARY KEY,
     barcode TEXT UNIQUE,
     pool TEXT NOT NULL REFERENCES pools(name),
     capacity INTEGER NOT NULL,
     used INTEGER NOT NULL DEFAULT 0,
     state TEXT NOT NULL,
     write_protected INTEGER NOT NULL DEFAULT 0,
     first_write_day TEXT,
     locked_until TEXT,
     location TEXT NOT NULL,
     labeled_at TEXT NOT NULL
   );
   CREATE TABLE cleaning (
     barcode TEXT PRIMARY KEY,
     uses INTEGER NOT NULL,
     last_used TEXT NOT NULL
   );`,
];

export interface LoaderRow {
  readonly name: string;
  readonly kind: 'vtl' | 'mtx';
  readonly config: unknown;
}

interface MediaRow {
  label: string;
  barcode: string | null;
  pool: string;
  capacity: number;
  used: number;
  state: MediaState;
  write_protected: number;
  first_write_day: string | null;
  locked_until: string | null;
  location: string;
  labeled_at: string;
}

function toMedia(row: MediaRow): Media {
  return {
    label: row.label,
    barcode: row.barcode,
    pool: row.pool,
    capacity: row.capacity,
    used: row.used,
    state: row.state,
    writeProtected: row.write_protected === 1,
    firstWriteDay: row.first_write_day,
    lockedUntil: row.locked_until,
    location: JSON.parse(row.location) as MediaLocation,
    labeledAt: row.labeled_at,
  };
}

export class DeviceStore {
  constructor(private readonly db: CatalogDb) {
    ensureSchema(db, 'devices', MIGRATIONS);
  }

  loaders(): LoaderRow[] {
    const rows = this.db.prepare('SELECT name, kind, config FROM loaders ORDER BY name').all() as Array<{ name: string; kind: 'vtl' | 'mtx'; config: string }>;
    return rows.map((row) => ({ ...row, config: JSON.parse(row.config) as unknown }));
  }

  addLoader(name: string, kind: 'vtl' | 'mtx', config: unknown, now: Date): void {
    this.db.prepare('INSERT INTO loaders (name, kind, config, created_at) VALUES (?, ?, ?, ?)').run(name, kind, JSON.stringify(config), now.toISOString());
  }

  removeLoader(name: string): void {
    this.db.prepare('DELETE FROM loaders WHERE name = ?').run(name);
  }

  expectedElements(loader: string): Map<string, string | null> {
    const rows = this.db.prepare('SELECT kind, number, barcode FROM expected_elements WHERE loader = ?').all(loader) as Array<{ kind: string; number: number; barcode: string | null }>;
    return new Map(rows.map((row) => [`${row.kind}:${row.number}`, row.barcode]));
  }

  /** Records what our own operation left in these elements (others keep their expectation). */
  setExpected(loader: string, elements: readonly LoaderElement[]): void {
    const upsert = this.db.prepare(
      'INSERT INTO expected_elements (loader, kind, number, barcode) VALUES (?, ?, ?, ?) ON CONFLICT(loader, kind, number) DO UPDATE SET barcode = excluded.barcode',
    );
    this.db.transaction(() => {
      for (const element of elements) upsert.run(loader, element.kind, element.number, element.full ? (element.barcode ?? '?') : null);
    })();
  }

  pools(): Pool[] {
    const rows = this.db.prepare('SELECT * FROM pools ORDER BY name').all() as Array<{ name: string; label_pattern: string; retention_days: number; media_type: Pool['mediaType']; allocation: Pool['allocation'] }>;
    return rows.map((row) => ({ name: row.name, labelPattern: row.label_pattern, retentionDays: row.retention_days, mediaType: row.media_type, allocation: row.allocation }));
  }

  addPool(pool: Pool): void {
    this.db
      .prepare('INSERT INTO pools (name, label_pattern, retention_days, media_type, allocation) VALUES (?, ?, ?, ?, ?)')
      .run(pool.name, pool.labelPattern, pool.retentionDays, pool.mediaType, pool.allocation);
  }

  media(): Media[] {
    return (this.db.prepare('SELECT * FROM media ORDER BY label').all() as MediaRow[]).map(toMedia);
  }

  mediaByLabel(label: string): Media | undefined {
    const row = this.db.prepare('SELECT * FROM media WHERE label = ?').get(label) as MediaRow | undefined;
    return row ? toMedia(row) : undefined;
  }

  mediaByBarcode(barcode: string): Media | undefined {
    const row = this.db.prepare('SELECT * FROM media WHERE barcode = ?').get(barcode) as MediaRow | undefined;
    return row ? toMedia(row) : undefined;
  }

  /** Replaces whatever media record held this label or this barcode by `media`. */
  putMedia(media: Media): void {
    this.db.transaction(() => {
      if (media.barcode !== null) this.db.prepare('DELETE FROM media WHERE barcode = ? AND label <> ?').run(media.barcode, media.label);
      this.db
        .prepare(
          `INSERT INTO media (label, barcode, pool, capacity, used, state, write_protected, first_write_day, locked_until, location, labeled_at)
           VALUES (@label, @barcode, @pool, @capacity, @used, @state, @writeProtected, @firstWriteDay, @lockedUntil, @location, @labeledAt)
           ON CONFLICT(label) DO UPDATE SET barcode = excluded.barcode, pool = excluded.pool, capacity = excluded.capacity, used = excluded.used,
             state = excluded.state, write_protected = excluded.write_protected, first_write_day = excluded.first_write_day,
             locked_until = excluded.locked_until, location = excluded.location, labeled_at = excluded.labeled_at`,
        )
        .run({ ...media, writeProtected: media.writeProtected ? 1 : 0, location: JSON.stringify(media.location) });
    })();
  }

  setMediaLocation(label: string, location: MediaLocation): void {
    this.db.prepare('UPDATE media SET location = ? WHERE label = ?').run(JSON.stringify(location), label);
  }

  /** Labels of a pool, to find the next free number. */
  labelsInPool(pool: string): string[] {
    return (this.db.prepare('SELECT label FROM media WHERE pool = ?').all(pool) as Array<{ label: string }>).map((row) => row.label);
  }

  countCleaning(barcode: string, now: Date): number {
    this.db
      .prepare('INSERT INTO cleaning (barcode, uses, last_used) VALUES (?, 1, ?) ON CONFLICT(barcode) DO UPDATE SET uses = uses + 1, last_used = excluded.last_used')
      .run(barcode, now.toISOString());
    return (this.db.prepare('SELECT uses FROM cleaning WHERE barcode = ?').get(barcode) as { uses: number }).uses;
  }
}
