import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStaticFile } from '../../main/web/static-files.js';
import { formatAgo } from '../../renderer/src/format.js';
import { tempDir } from '../helpers/agents.js';

describe('static files of the web host', () => {
  const root = join(tempDir('static'), 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(root, '..', 'secret.json'), '{"token":"x"}');

  it('serves index.html for / and assets by path with their type', async () => {
    expect((await readStaticFile(root, '/'))?.contentType).toMatch(/text\/html/);
    expect((await readStaticFile(root, '/assets/app.js?v=1'))?.body.toString()).toBe('export {}');
  });
  it.each(['/../secret.json', '/%2e%2e/secret.json', '/assets/../../secret.json', '/%00', '/%E0%A4%A', '/missing.js', '/assets/app.exe'])('refuses %s', async (path) => {
    expect(await readStaticFile(root, path)).toBeNull();
  });
});

describe('formatAgo', () => {
  const now = Date.parse('2026-11-23T08:00:00Z');
  it.each([
    [null, 'never'],
    ['2026-11-23T07:59:58Z', 'just now'],
    ['2026-11-23T07:59:18Z', '42 s ago'],
    ['2026-11-23T07:55:00Z', '5 min ago'],
    ['2026-11-23T05:00:00Z', '3 h ago'],
    ['2026-11-21T08:00:00Z', '2 d ago'],
    ['2026-11-23T09:00:00Z', 'just now'],
  ])('%s → %s', (iso, text) => {
    expect(formatAgo(iso, now)).toBe(text);
  });
});
