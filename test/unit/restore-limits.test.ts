/** Restore caps: the defaults stop bombs; a saveset the catalog knows to be bigger raises them, never lowers them. */
import { describe, expect, it } from 'vitest';
import { limitsFor } from '../../agent/engine/restore-run.js';
import { DEFAULT_EXTRACT_LIMITS } from '../../agent/engine/tar/safe-extract.js';

describe('limitsFor', () => {
  it('keeps the defaults for an ordinary saveset', () => {
    expect(limitsFor({ entries: 12, bytes: 4096, largest: 1024 })).toEqual(DEFAULT_EXTRACT_LIMITS);
  });

  it('raises entry count and sizes for a saveset the catalog records as bigger', () => {
    const limits = limitsFor({ entries: 7_000_000, bytes: 20 * 1024 ** 4, largest: 3 * 1024 ** 4 });
    expect(limits.maxEntries).toBe(7_001_000);
    expect(limits.maxTotalBytes).toBe(40 * 1024 ** 4);
    expect(limits.maxEntryBytes).toBe(6 * 1024 ** 4);
    expect(limits.maxDepth).toBe(DEFAULT_EXTRACT_LIMITS.maxDepth);
    expect(limits.maxPathBytes).toBe(DEFAULT_EXTRACT_LIMITS.maxPathBytes);
  });
});
