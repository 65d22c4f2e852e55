/** The backup types, without schemas (backupTypeSchema in engine.ts is built from this list). */
export const BACKUP_TYPES = ['full', 'diff', 'incr', 'copy'] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

export function isBackupType(value: string): value is BackupType {
  return (BACKUP_TYPES as readonly string[]).includes(value);
}
