/** Who writes a backup's stream (backup-run.ts chooseDataPath): Floe's writer needs something that finds extended attributes. */
import { describe, expect, it } from 'vitest';
import { chooseDataPath } from '../../agent/engine/backup-run.js';

const yes = (): boolean => true;
const no = (): boolean => false;

describe('the data path of a backup', () => {
  it("is Floe's writer when the native reader or getfattr finds attributes, GNU tar when neither does", () => {
    expect(chooseDataPath('none', {}, yes, no)).toBe('floe');
    expect(chooseDataPath('none', {}, no, yes)).toBe('floe');
    expect(chooseDataPath('none', {}, yes, yes)).toBe('floe');
    expect(chooseDataPath('none', {}, no, no)).toBe('gnu-tar');
  });

  it('is GNU tar for gzip tasks and when FLOE_DATA_PATH=gnu-tar, whatever is there', () => {
    expect(chooseDataPath('gzip', {}, yes, yes)).toBe('gnu-tar');
    expect(chooseDataPath('none', { FLOE_DATA_PATH: 'gnu-tar' }, yes, yes)).toBe('gnu-tar');
  });

  it('finds the native reader where the agent runs from, unless FLOE_NATIVE_IO=off', () => {
    expect(chooseDataPath('none', {}, undefined, no)).toBe('floe'); // npm ci builds the reader
    expect(chooseDataPath('none', { FLOE_NATIVE_IO: 'off' }, undefined, no)).toBe('gnu-tar');
  });
});
