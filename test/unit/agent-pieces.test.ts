import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatListen, parseListen } from '../../agent/config.js';
import { readSecretFile } from '../../agent/secure-files.js';
import { TokenStore } from '../../agent/tokens.js';
import { AGENT_VERSION } from '../../agent/version.js';
import { tempDir } from '../helpers/agents.js';

describe('listen addresses', () => {
  it.each([
    ['0.0.0.0:7443', { host: '0.0.0.0', port: 7443 }],
    ['backup1.example.org:7000', { host: 'backup1.example.org', port: 7000 }],
    ['[::1]:7443', { host: '::1', port: 7443 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
  ])('parses %s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
    expect(formatListen(expected)).toBe(text);
  });
  it.each(['7443', 'host:', 'host:99999', '::1:7443', 'a b:1'])('refuses %s with a hint', (text) => {
    expect(() => parseListen(text)).toThrow(/HOST:PORT/);
  });
});

describe('tokens', () => {
  it('stores only a hash, verifies the token and refuses others', () => {
    const path = join(tempDir('tokens'), 'tokens.json');
    const store = new TokenStore(path);
    const { token, record } = store.create('monitor', new Date('2026-11-23T08:00:00Z'));
    expect(token).toMatch(/^floe_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain(token.slice(18));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const reloaded = new TokenStore(path);
    expect(reloaded.verify(token)).toEqual(record);
    expect(() => reloaded.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toThrow(/not valid/);
    expect(() => reloaded.verify('garbage')).toThrow(/not valid/);
    expect(() => reloaded.verify(`floe_000000000000_${'A'.repeat(43)}`)).toThrow(/not valid/);
  });
});

describe('secret files', () => {
  it('refuses a secret file that others can read, naming the fix', () => {
    const path = join(tempDir('secret'), 'key.pem');
    writeFileSync(path, 'secret', { mode: 0o644 });
    chmodSync(path, 0o644);
    expect(() => readSecretFile(path)).toThrow(/chmod 600/);
    chmodSync(path, 0o600);
    expect(readSecretFile(path)).toBe('secret');
  });
});

describe('agent version', () => {
  it('equals the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
  });
});
