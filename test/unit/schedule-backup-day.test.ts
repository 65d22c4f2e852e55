/** Backup-day attribution around the boundary and across DST changes. */
import { describe, expect, it } from 'vitest';
import { backupDayOf, backupDayRange, nextNewDay } from '../../agent/schedule/backup-day.js';
import { backupDayConfigSchema, type BackupDayConfig } from '../../shared/schedule.js';

const berlin6: BackupDayConfig = { boundary: '06:00', timezone: 'Europe/Berlin' };
const at = (iso: string): Date => new Date(iso);
const HOUR = 60 * 60 * 1000;

describe('backupDayOf', () => {
  it('puts an instant before the boundary on the previous day (Berlin, winter, UTC+1)', () => {
    expect(backupDayOf(at('2026-01-10T04:59:59Z'), berlin6)).toBe('2026-01-09'); // 05:59:59 local
    expect(backupDayOf(at('2026-01-10T05:00:00Z'), berlin6)).toBe('2026-01-10'); // 06:00 local
    expect(backupDayOf(at('2026-01-10T22:30:00Z'), berlin6)).toBe('2026-01-10'); // 23:30 local
    expect(backupDayOf(at('2026-01-10T23:30:00Z'), berlin6)).toBe('2026-01-10'); // 00:30 local, next date
  });

  it('uses the time zone, not UTC: the same instant is a different day in New York', () => {
    const ny: BackupDayConfig = { boundary: '06:00', timezone: 'America/New_York' };
    expect(backupDayOf(at('2026-01-10T08:00:00Z'), berlin6)).toBe('2026-01-10'); // 09:00 Berlin
    expect(backupDayOf(at('2026-01-10T08:00:00Z'), ny)).toBe('2026-01-09'); // 03:00 New York
  });

  it('midnight boundary equals the calendar date', () => {
    const utc: BackupDayConfig = { boundary: '00:00', timezone: 'UTC' };
    expect(backupDayOf(at('2026-02-28T23:59:59Z'), utc)).toBe('2026-02-28');
    expect(backupDayOf(at('2026-03-01T00:00:00Z'), utc)).toBe('2026-03-01');
  });

  it('boundary inside the spring-forward gap: the day starts at the end of the gap', () => {
    const gap: BackupDayConfig = { boundary: '02:30', timezone: 'Europe/Berlin' };
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; 02:30 never happens.
    expect(backupDayRange('2026-03-29', gap).start.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(backupDayOf(at('2026-03-29T00:59:59Z'), gap)).toBe('2026-03-28');
    expect(backupDayOf(at('2026-03-29T01:00:00Z'), gap)).toBe('2026-03-29');
  });

  it('boundary inside the repeated fall-back hour: the first occurrence starts the day, the second does not go back', () => {
    const repeated: BackupDayConfig = { boundary: '02:30', timezone: 'Europe/Berlin' };
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:30 happens at 00:30Z and 01:30Z.
    expect(backupDayRange('2026-10-25', repeated).start.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(backupDayOf(at('2026-10-25T00:29:59Z'), repeated)).toBe('2026-10-24');
    expect(backupDayOf(at('2026-10-25T00:30:00Z'), repeated)).toBe('2026-10-25');
    expect(backupDayOf(at('2026-10-25T01:15:00Z'), repeated)).toBe('2026-10-25'); // 02:15 CET, wall clock before the boundary again
  });
});

describe('backupDayRange and nextNewDay', () => {
  it('a normal day lasts 24 h, the spring-forward day 23 h, the fall-back day 25 h', () => {
    const normal = backupDayRange('2026-01-10', berlin6);
    expect(normal.start.toISOString()).toBe('2026-01-10T05:00:00.000Z');
    expect(normal.end.toISOString()).toBe('2026-01-11T05:00:00.000Z');
    const spring = backupDayRange('2026-03-28', berlin6);
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * HOUR);
    expect(spring.end.toISOString()).toBe('2026-03-29T04:00:00.000Z');
    const fall = backupDayRange('2026-10-24', berlin6);
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * HOUR);
  });

  it('nextNewDay is strictly after its argument', () => {
    expect(nextNewDay(at('2026-01-10T04:00:00Z'), berlin6).toISOString()).toBe('2026-01-10T05:00:00.000Z');
    expect(nextNewDay(at('2026-01-10T05:00:00Z'), berlin6).toISOString()).toBe('2026-01-11T05:00:00.000Z');
    expect(nextNewDay(at('2026-03-28T05:00:00Z'), berlin6).toISOString()).toBe('2026-03-29T04:00:00.000Z');
  });

  it.each([
    ['Europe/Berlin', '06:00'],
    ['Europe/Berlin', '02:30'],
    ['America/New_York', '02:00'],
    ['Australia/Lord_Howe', '02:00'], // DST shifts by 30 minutes
    ['Asia/Kolkata', '05:30'],
  ])('%s boundary %s: days are contiguous, ordered and contain their instants over a year', (timezone, boundary) => {
    const config = backupDayConfigSchema.parse({ boundary, timezone });
    let previous = '';
    for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 151 * 60 * 1000) {
      const day = backupDayOf(new Date(ms), config);
      const range = backupDayRange(day, config);
      expect(range.start.getTime() <= ms && ms < range.end.getTime(), `${new Date(ms).toISOString()} in ${day}`).toBe(true);
      if (previous !== '' && previous !== day) {
        expect(day > previous).toBe(true);
        expect(backupDayRange(previous, config).end.getTime()).toBe(range.start.getTime());
      }
      previous = day;
    }
  });

  it('the schema refuses a bad boundary or zone', () => {
    expect(backupDayConfigSchema.safeParse({ boundary: '24:00', timezone: 'UTC' }).success).toBe(false);
    expect(backupDayConfigSchema.safeParse({ boundary: '6:00', timezone: 'UTC' }).success).toBe(false);
    expect(backupDayConfigSchema.safeParse({ boundary: '06:00', timezone: 'Mars/Olympus' }).success).toBe(false);
  });
});
