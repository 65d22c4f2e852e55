import { describe, expect, it } from 'vitest';
import { LocationReplica } from '../../main/core/location-replica.js';
import type { Delta, Snapshot } from '../../shared/protocol/catalog.js';

const FINGERPRINT = `SHA256:${Array.from({ length: 32 }, () => 'AB').join(':')}`;
const snapshot = (seq: number): Snapshot => ({
  seq,
  epoch: 'run-1',
  takenAt: '2026-11-23T08:00:00.000Z',
  identity: { name: 'hq', agentId: '6b0b5c2e-8c1c-4a8e-9d0a-3f3d2d9b1a10', version: '0.1.0', host: '127.0.0.1', fingerprint: FINGERPRINT },
  startedAt: '2026-11-23T08:00:00.000Z',
  devices: { loaders: [], drives: [], media: [], pools: [] },
  license: {} as Snapshot['license'],
  jobs: { active: [], recent: [] },
  schedules: { schedules: [], backupDayConfig: { boundary: '06:00', timezone: 'UTC' }, backupDay: '2026-11-23', lastCheck: null },
});
const pool = (seq: number, name: string): Delta => ({
  seq,
  at: '2026-11-23T08:00:01.000Z',
  change: { domain: 'devices', change: { kind: 'pool', pool: { name, labelPattern: `^${name}\\d{5}$`, retentionDays: 14, mediaType: 'any', allocation: 'continue' } } },
});

describe('location replica', () => {
  it('applies deltas in seq order, ignores duplicates and reports gaps without applying them', () => {
    const replica = new LocationReplica();
    expect(replica.applyDelta(pool(1, 'A'))).toBe('no-snapshot');
    replica.applySnapshot(snapshot(5));
    expect(replica.applyDelta(pool(6, 'DAILY'))).toBe('applied');
    expect(replica.applyDelta(pool(6, 'DAILY'))).toBe('duplicate');
    expect(replica.applyDelta(pool(8, 'LATE'))).toBe('gap');
    expect(replica.state?.devices.pools.map((p) => p.name)).toEqual(['DAILY']);
    expect(replica.state?.seq).toBe(6);
    replica.applySnapshot(snapshot(8));
    expect(replica.state?.devices.pools).toEqual([]);
    expect(replica.applyDelta(pool(9, 'WEEKLY'))).toBe('applied');
  });
});
