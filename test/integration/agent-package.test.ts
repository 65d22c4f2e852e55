/**
 * The agent as an npm package: `npm pack` carries the built agent (bins floe-agent and floe-license),
 * the default vendor key and the systemd unit, and none of the console, sources or tests; the
 * unpacked bin runs by itself. Needs the build (`npm run build`), as `npm test` runs it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };

let work: string;
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'floe-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string; mode: number }[] }[];
  files = packed?.files.map((file) => file.path) ?? [];
  await run('tar', ['-xzf', join(work, packed?.filename ?? ''), '-C', work]);
  // The registry would install the dependencies; here they are the checkout's.
  symlinkSync(join(root, 'node_modules'), join(work, 'package/node_modules'));
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('carries the agent, its bins, the vendor key, the unit and the guide; not the console, sources or tests', () => {
    for (const bin of Object.values(pkg.bin)) expect(files).toContain(bin);
    expect(files).toEqual(expect.arrayContaining(['assets/license/vendor-default.pub.pem', 'assets/floe-agent.service', 'docs/admin-guide.md', 'package.json']));
    // npm always packs package.json's "main" (the Electron entry, one bundled file): nothing else of the console.
    expect(files.filter((path) => /^(agent|main|renderer|shared|test|scripts|out|dist\/main)\//.test(path))).toEqual(['out/main/index.js']);
    expect(files.some((path) => path.startsWith('node_modules/'))).toBe(false);
  });

  it('has executable bins that run from the unpacked package: --version, and init finds its own files', async () => {
    const agentBin = join(work, 'package', pkg.bin['floe-agent'] ?? '');
    expect(statSync(agentBin).mode & 0o111).not.toBe(0);
    expect((await run(agentBin, ['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const data = join(work, 'agent-data');
    const init = JSON.parse((await run(agentBin, ['init', '--data', data, '--name', 'packed', '--listen', '127.0.0.1:7443', '--json'])).stdout) as { fingerprint: string };
    expect(init.fingerprint).toMatch(/^SHA256:/);
    const licenseBin = join(work, 'package', pkg.bin['floe-license'] ?? '');
    expect((await run(licenseBin, ['--help'])).stdout).toContain('keygen');
  }, 60_000);
});
