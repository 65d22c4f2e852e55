/**
 * Persistence of schedules, the backup-day configuration and the agent's heartbeat in the catalog
 * (domain "schedules"). Everything written is validated with the shared schemas first, and cron
 * expressions are parsed by croner, so what is stored always plans.
 */
import type { z } from 'zod';
import { FloeError } from '../../shared/errors.js';
import {
  DEFAULT_DUMP_CYCLE_DAYS,
  DEFAULT_RUNS_PER_CYCLE,
  backupDayConfigSchema,
  scheduleInputSchema,
  scheduleNameSchema,
  scheduleSchema,
  type BackupDayConfig,
  type Schedule,
} from '../../shared/schedule.js';
import { ensureSchema, type CatalogDb } from '../catalog/database.js';
import { fireTimes } from './cron.js';

const MIGRATIONS = [
  `CREATE TABLE schedules (
     name TEXT PRIMARY KEY,
     definition TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     last_fired_at TEXT
   );
   CREATE TABLE schedule_missed (
     schedule TEXT NOT NULL,
     at TEXT NOT NULL,
     PRIMARY KEY (schedule, at)
   );
   CREATE TABLE schedule_settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
];

const BACKUP_DAY_KEY = 'backup-day';
const ALIVE_KEY = 'alive-at';

export interface ScheduleStoreOptions {
  /** The agent's time zone, for schedules added without one and the default backup day. */
  readonly defaultTimezone: string;
  /** Boundary of the backup day until one is configured (default 06:00). */
  readonly defaultBoundary?: string;
}

interface ScheduleRow {
  name: string;
  definition: string;
  enabled: number;
  created_at: string;
  last_fired_at: string | null;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

export class ScheduleStore {
  private readonly defaultBackupDay: BackupDayConfig;

  constructor(
    private readonly db: CatalogDb,
    options: ScheduleStoreOptions,
  ) {
    ensureSchema(db, 'schedules', MIGRATIONS);
    const parsed = backupDayConfigSchema.safeParse({ boundary: options.defaultBoundary ?? '06:00', timezone: options.defaultTimezone });
    if (!parsed.success) throw new FloeError('BAD_REQUEST', `the agent's default backup day is not valid (${firstIssue(parsed.error)}); set a known IANA time zone (e.g. TZ=Europe/Berlin)`);
    this.defaultBackupDay = parsed.data;
  }

  /**
   * Adds a schedule. Refuses (BAD_REQUEST) what the schema or croner refuses and an expression that
   * never fires after `now`; refuses (CONFLICT) a name already taken.
   */
  add(input: unknown, now: Date): Schedule {
    const schedule = this.validated(input, now, 'added');
    if (this.row(schedule.name)) throw new FloeError('CONFLICT', `a schedule named "${schedule.name}" exists; remove it first or choose another name`);
    const { enabled, ...definition } = schedule;
    this.db.prepare('INSERT INTO schedules (name, definition, enabled, created_at) VALUES (?, ?, ?, ?)').run(schedule.name, JSON.stringify(definition), enabled ? 1 : 0, now.toISOString());
    return schedule;
  }

  /** Replaces an existing schedule's definition (same checks as `add`); keeps when it was added and last fired. */
  replace(input: unknown, now: Date): Schedule {
    const schedule = this.validated(input, now, 'changed');
    if (!this.row(schedule.name)) throw this.notFound(schedule.name);
    const { enabled, ...definition } = schedule;
    this.db.prepare('UPDATE schedules SET definition = ?, enabled = ? WHERE name = ?').run(JSON.stringify(definition), enabled ? 1 : 0, schedule.name);
    return schedule;
  }

  private validated(input: unknown, now: Date, verb: 'added' | 'changed'): Schedule {
    const parsed = scheduleInputSchema.safeParse(input);
    if (!parsed.success) throw new FloeError('BAD_REQUEST', `schedule not ${verb}: ${firstIssue(parsed.error)}`);
    const candidate = scheduleSchema.safeParse({
      ...parsed.data,
      timezone: parsed.data.timezone ?? this.defaultBackupDay.timezone,
      dumpCycleDays: parsed.data.dumpCycleDays ?? DEFAULT_DUMP_CYCLE_DAYS,
      runsPerCycle: parsed.data.runsPerCycle ?? DEFAULT_RUNS_PER_CYCLE,
      enabled: parsed.data.enabled ?? true,
      runMissed: parsed.data.runMissed ?? false,
    });
    if (!candidate.success) throw new FloeError('BAD_REQUEST', `schedule not ${verb}: ${firstIssue(candidate.error)}`);
    const schedule = candidate.data;
    if (fireTimes(schedule.cron, schedule.timezone).next(now) === null) {
      throw new FloeError('BAD_REQUEST', `cron expression "${schedule.cron}" never fires after ${now.toISOString()}; check its day, month and year fields`);
    }
    return schedule;
  }

  list(): Schedule[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY name').all() as ScheduleRow[]).map((row) => this.toSchedule(row));
  }

  get(name: string): Schedule | undefined {
    const row = this.row(name);
    return row ? this.toSchedule(row) : undefined;
  }

  /** Removes a schedule; NOT_FOUND if there is none by that name. */
  remove(name: string): void {
    const result = this.db.prepare('DELETE FROM schedules WHERE name = ?').run(name);
    if (result.changes === 0) throw this.notFound(name);
  }

  setEnabled(name: string, enabled: boolean): Schedule {
    const result = this.db.prepare('UPDATE schedules SET enabled = ? WHERE name = ?').run(enabled ? 1 : 0, name);
    if (result.changes === 0) throw this.notFound(name);
    const schedule = this.get(name);
    if (!schedule) throw this.notFound(name);
    return schedule;
  }

  /** When the schedule was added (missed runs never go back before it). */
  createdAt(name: string): Date | null {
    const row = this.row(name);
    return row ? new Date(row.created_at) : null;
  }

  /** Records that the scheduler fired `name` for fire time `at` (so a restart does not fire it again). */
  recordFired(name: string, at: Date): void {
    this.db.prepare('UPDATE schedules SET last_fired_at = ? WHERE name = ?').run(at.toISOString(), name);
  }

  lastFired(name: string): Date | null {
    const value = this.row(name)?.last_fired_at ?? null;
    return value === null ? null : new Date(value);
  }

  /** Records fire times missed while the agent was down, for the calendar (kept after the schedule is removed). */
  recordMissed(name: string, times: readonly Date[]): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO schedule_missed (schedule, at) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const at of times) insert.run(name, at.toISOString());
    })();
  }

  /** Missed fire times in [from, to), oldest first. */
  missedBetween(from: Date, to: Date): Array<{ schedule: string; at: Date }> {
    const rows = this.db.prepare('SELECT schedule, at FROM schedule_missed WHERE at >= ? AND at < ? ORDER BY at, schedule').all(from.toISOString(), to.toISOString()) as Array<{ schedule: string; at: string }>;
    return rows.map((row) => ({ schedule: row.schedule, at: new Date(row.at) }));
  }

  backupDay(): BackupDayConfig {
    const value = this.setting(BACKUP_DAY_KEY);
    if (value === null) return this.defaultBackupDay;
    const parsed = backupDayConfigSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : this.defaultBackupDay;
  }

  setBackupDay(input: unknown): BackupDayConfig {
    const parsed = backupDayConfigSchema.safeParse(input);
    if (!parsed.success) throw new FloeError('BAD_REQUEST', `backup day not changed: ${firstIssue(parsed.error)}`);
    this.putSetting(BACKUP_DAY_KEY, JSON.stringify(parsed.data));
    return parsed.data;
  }

  /** The agent's heartbeat: it is alive at `now`. Never moves backwards (a clock stepped back is ignored). */
  recordAlive(now: Date): void {
    const last = this.lastAlive();
    if (last !== null && last >= now) return;
    this.putSetting(ALIVE_KEY, now.toISOString());
  }

  lastAlive(): Date | null {
    const value = this.setting(ALIVE_KEY);
    return value === null ? null : new Date(value);
  }

  private row(name: string): ScheduleRow | undefined {
    return this.db.prepare('SELECT * FROM schedules WHERE name = ?').get(name) as ScheduleRow | undefined;
  }

  private toSchedule(row: ScheduleRow): Schedule {
    const parsed = scheduleSchema.safeParse({ ...(JSON.parse(row.definition) as object), enabled: row.enabled === 1 });
    if (!parsed.success) {
      throw new FloeError('INTERNAL', `schedule "${row.name}" in catalog.db is not valid (${firstIssue(parsed.error)}); remove it and add it again`);
    }
    return parsed.data;
  }

  private notFound(name: string): FloeError {
    const shown = scheduleNameSchema.safeParse(name).success ? `"${name}"` : JSON.stringify(name.slice(0, 64));
    return new FloeError('NOT_FOUND', `no schedule named ${shown}; see "floe-agent schedule list"`);
  }

  private setting(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM schedule_settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private putSetting(key: string, value: string): void {
    this.db.prepare('INSERT INTO schedule_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
