/**
 * The backup walk (agent/engine/scan.ts) on a real tree: sources that nest or repeat are walked
 * once (no seen-set without a reference), excludes hold inside a nested source, and against a
 * reference only changed paths are saved, with deletion records for vanished ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { excludeMatcher } from '../../agent/engine/glob.js';
import { walkSources, type ReferenceState } from '../../agent/engine/scan.js';
import { tempDir } from '../helpers/agents.js';

function tree(): string {
  const root = tempDir('scan-walk');
  mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'a');
  writeFileSync(join(root, 'sub', 'b.txt'), 'b');
  writeFileSync(join(root, 'sub', 'deep', 'c.log'), 'c');
  return root;
}

const walked = (sources: string[], patterns: string[] = [], reference: ReferenceState | null = null) =>
  [...walkSources(sources, excludeMatcher(patterns), reference, () => undefined)].map(({ row, archive }) => `${archive ? '' : 'deleted '}${row.path}`);

describe('backup walk', () => {
  it('walks each path once when sources nest or repeat, parents first and names sorted', () => {
    const root = tree();
    const all = [root, `${root}/a.txt`, `${root}/sub`, `${root}/sub/b.txt`, `${root}/sub/deep`, `${root}/sub/deep/c.log`];
    expect(walked([root])).toEqual(all);
    expect(walked([join(root, 'sub'), root, `${root}/`, join(root, 'sub', 'deep')])).toEqual(all);
  });

  it('keeps excluded paths out even when a source names them', () => {
    const root = tree();
    expect(walked([root, join(root, 'sub', 'deep')], ['*.log', 'a.txt'])).toEqual([root, `${root}/sub`, `${root}/sub/b.txt`, `${root}/sub/deep`]);
    expect(walked([root, join(root, 'sub')], ['sub'])).toEqual([root, `${root}/a.txt`]);
  });

  it('against a reference saves what changed and records what vanished', () => {
    const root = tree();
    const reference: ReferenceState = new Map(
      [...walkSources([root], excludeMatcher([]), null, () => undefined)].map(({ row }) => [row.path, { type: row.type, size: row.size, mtime: row.mtime, ctime: row.ctime, ino: row.ino }]),
    );
    const withGone = new Map(reference).set(`${root}/gone.txt`, { type: 'file', size: 1, mtime: 1, ctime: 1, ino: 1 }).set('/elsewhere/x', { type: 'file', size: 1, mtime: 1, ctime: 1, ino: 1 });
    writeFileSync(join(root, 'sub', 'b.txt'), 'bigger now');
    expect(walked([root, join(root, 'sub')], [], withGone)).toEqual([root, `${root}/sub`, `${root}/sub/b.txt`, `${root}/sub/deep`, `deleted ${root}/gone.txt`]);
  });
});
