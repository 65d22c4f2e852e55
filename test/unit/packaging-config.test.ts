/**
 * electron-builder.yml: the four targets with the icon from assets/, only built output packaged
 * (none of the agent's native modules), nothing published. Read as text: no YAML parser is a
 * dependency of Floe, and the file is kept flat enough for line checks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');

/** The lines of a top-level block (`linux:` → its indented lines). */
function block(name: string): string {
  const match = new RegExp(`^${name}:\\n((?:[ ]{2}.*\\n?)*)`, 'm').exec(text);
  return match?.[1] ?? '';
}

describe('electron-builder.yml', () => {
  it('builds AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
    expect(block('linux')).toMatch(/^ {2}target: \[AppImage, deb\]$/m);
    expect(block('win')).toMatch(/^ {2}target: nsis$/m);
    expect(block('mac')).toMatch(/^ {2}target: dmg$/m);
  });

  it('takes every platform\'s icon from assets/, and the icon is a 512×512 PNG', () => {
    for (const platform of ['linux', 'win', 'mac']) expect(block(platform), platform).toMatch(/^ {2}icon: assets\/icon\.png$/m);
    const png = readFileSync(join(root, 'assets/icon.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(existsSync(join(root, 'assets/floe.svg'))).toBe(true);
  });

  it('packages only the built console and package.json, never node_modules, and rebuilds no native module', () => {
    expect(block('files').trim().split('\n').map((line) => line.trim())).toEqual(['- out/**/*', '- package.json', '- "!node_modules/**/*"']);
    expect(text).toMatch(/^npmRebuild: false$/m);
    expect(text).toMatch(/^nodeGypRebuild: false$/m);
    expect(text).toMatch(/^publish: null$/m);
    expect(text).toMatch(/^directories:\n {2}output: release\n {2}buildResources: assets$/m);
  });

  it('unpacks the link thread and the chunks it imports from the asar archive', () => {
    expect(text).toMatch(/^asar: true$/m);
    expect(block('asarUnpack').trim().split('\n').map((line) => line.trim())).toEqual(['- out/main/link-thread.js', '- out/main/chunks/**']);
  });

  it('matches package.json: the Electron entry it packages is what electron-vite builds', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
  });
});
