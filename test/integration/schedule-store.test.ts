/** The schedule store on a real SQLite catalog file: add, list, remove, refusals, heartbeat, reopen. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type CatalogDb } from '../../agent/catalog/database.js';
import { ScheduleStore } from '../../agent/schedule/schedule-store.js';
import { isFloeError } from '../../shared/errors.js';
import { tempDir } from '../helpers/agents.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function catalogFile(): string {
  const dir = tempDir('schedules');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'catalog.db');
}

function open(path: string): { db: CatalogDb; store: ScheduleStore } {
  const db = openCatalog(path);
  cleanups.push(() => db.close());
  return { db, store: new ScheduleStore(db, { defaultTimezone: 'Europe/Berlin' }) };
}

function refusal(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isFloeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

const nightly = { name: 'nightly', cron: '0 22 * * 1-5', tasks: ['home', 'mail'], type: 'auto' };

describe('schedule store', () => {
  it('adds with defaults, lists, gets, enables, removes', () => {
    const { store } = open(catalogFile());
    const added = store.add(nightly, NOW);
    expect(added).toEqual({ ...nightly, timezone: 'Europe/Berlin', dumpCycleDays: 14, runsPerCycle: 10, enabled: true, runMissed: false });
    store.add({ name: 'weekly', cron: '0 8 * * 6', timezone: 'UTC', tasks: ['db'], type: 'full', runMissed: true }, NOW);
    expect(store.list().map((s) => s.name)).toEqual(['nightly', 'weekly']);
    expect(store.get('weekly')?.runMissed).toBe(true);
    expect(store.createdAt('weekly')?.toISOString()).toBe(NOW.toISOString());
    expect(store.setEnabled('nightly', false).enabled).toBe(false);
    expect(store.get('nightly')?.enabled).toBe(false);
    store.remove('weekly');
    expect(store.list().map((s) => s.name)).toEqual(['nightly']);
    expect(store.get('weekly')).toBeUndefined();
  });

  it('refuses duplicates, bad cron, bad zones, never-firing expressions and unknown names, each with a next step', () => {
    const { store } = open(catalogFile());
    store.add(nightly, NOW);
    expect(refusal(() => store.add({ ...nightly, cron: '0 3 * * *' }, NOW))).toEqual({ code: 'CONFLICT', message: expect.stringMatching(/exists; remove it first or choose another name/) });
    expect(refusal(() => store.add({ ...nightly, name: 'bad', cron: '61 * * * *' }, NOW))).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/not valid.*minute.*use 5 fields/) });
    expect(refusal(() => store.add({ ...nightly, name: 'short', cron: '0 22 *' }, NOW))).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/cron: a cron expression has 5 fields/) });
    expect(refusal(() => store.add({ ...nightly, name: 'zone', timezone: 'Mars/Olympus' }, NOW))).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/timezone: not a known IANA time zone/) });
    expect(refusal(() => store.add({ ...nightly, name: 'feb30', cron: '0 0 30 2 *' }, NOW))).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/never fires/) });
    expect(refusal(() => store.add({ ...nightly, name: 'twice', tasks: ['a', 'a'] }, NOW)).message).toMatch(/each task once/);
    expect(refusal(() => store.add({ ...nightly, name: 'typo', type: 'differential' }, NOW)).code).toBe('BAD_REQUEST');
    expect(refusal(() => store.remove('ghost'))).toEqual({ code: 'NOT_FOUND', message: expect.stringMatching(/schedule list/) });
    expect(refusal(() => store.setEnabled('ghost', true)).code).toBe('NOT_FOUND');
    expect(store.list()).toHaveLength(1);
  });

  it('keeps the heartbeat, fire marks and backup day, and they survive a reopen', () => {
    const path = catalogFile();
    const first = open(path);
    expect(first.store.lastAlive()).toBeNull();
    expect(first.store.backupDay()).toEqual({ boundary: '06:00', timezone: 'Europe/Berlin' });
    first.store.add(nightly, NOW);
    first.store.recordAlive(new Date('2026-01-10T12:01:00Z'));
    first.store.recordAlive(new Date('2026-01-10T12:00:30Z')); // a clock stepped back does not move it back
    first.store.recordFired('nightly', new Date('2026-01-09T21:00:00Z'));
    first.store.recordMissed('nightly', [new Date('2026-01-07T21:00:00Z'), new Date('2026-01-08T21:00:00Z')]);
    first.store.recordMissed('nightly', [new Date('2026-01-08T21:00:00Z')]); // recorded once
    expect(first.store.setBackupDay({ boundary: '07:30', timezone: 'UTC' })).toEqual({ boundary: '07:30', timezone: 'UTC' });
    expect(refusal(() => first.store.setBackupDay({ boundary: '7:30', timezone: 'UTC' })).message).toMatch(/boundary: a time of day is HH:MM/);
    first.db.close();

    const second = open(path);
    expect(second.store.list().map((s) => s.name)).toEqual(['nightly']);
    expect(second.store.lastAlive()?.toISOString()).toBe('2026-01-10T12:01:00.000Z');
    expect(second.store.lastFired('nightly')?.toISOString()).toBe('2026-01-09T21:00:00.000Z');
    expect(second.store.backupDay()).toEqual({ boundary: '07:30', timezone: 'UTC' });
    expect(second.store.missedBetween(new Date('2026-01-08T00:00:00Z'), new Date('2026-01-10T00:00:00Z'))).toEqual([{ schedule: 'nightly', at: new Date('2026-01-08T21:00:00Z') }]);
    const version = second.db.prepare("SELECT version FROM schema_versions WHERE domain = 'schedules'").get() as { version: number };
    expect(version.version).toBe(1);
  });

  it('refuses an agent time zone it cannot use', () => {
    const db = openCatalog(catalogFile());
    cleanups.push(() => db.close());
    expect(() => new ScheduleStore(db, { defaultTimezone: 'Nowhere/City' })).toThrow(/IANA time zone/);
  });
});
