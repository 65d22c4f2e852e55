/**
 * assets/floe-agent.service: a dedicated user, its data directory, restart on failure, start at
 * boot, hardening that still lets the agent reach tape devices. Where systemd-analyze is installed,
 * systemd itself checks the file and rates its exposure.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const unitPath = join(root, 'assets/floe-agent.service');
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

type UnitFile = Map<string, Map<string, string[]>>;

/** systemd's unit syntax: [Section], Key=Value, repeated keys accumulate, # and ; start comments. */
function parseUnit(text: string): UnitFile {
  const unit: UnitFile = new Map();
  let section: Map<string, string[]> | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header?.[1]) {
      section = new Map();
      unit.set(header[1], section);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!pair?.[1] || !section) throw new Error(`line ${index + 1} is not Key=Value inside a section: ${raw}`);
    section.set(pair[1], [...(section.get(pair[1]) ?? []), pair[2] ?? '']);
  }
  return unit;
}

const unit = parseUnit(readFileSync(unitPath, 'utf8'));
const value = (section: string, key: string): string | undefined => unit.get(section)?.get(key)?.at(-1);
const values = (section: string, key: string): string[] => unit.get(section)?.get(key) ?? [];

describe('assets/floe-agent.service', () => {
  it('has the three sections', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
  });

  it('runs floe-agent start on its data directory as the dedicated user floe, with group tape for the drives', () => {
    expect(value('Service', 'User')).toBe('floe');
    expect(value('Service', 'Group')).toBe('floe');
    expect(value('Service', 'SupplementaryGroups')?.split(/\s+/)).toContain('tape');
    expect(value('Service', 'ExecStart')).toMatch(/floe-agent start --data \/var\/lib\/floe-agent$/);
    expect(value('Service', 'StateDirectory')).toBe('floe-agent');
    expect(value('Service', 'StateDirectoryMode')).toBe('0700');
    expect(value('Service', 'UMask')).toBe('0077');
  });

  it('restarts on failure and starts at boot once the network is up', () => {
    expect(value('Service', 'Restart')).toBe('on-failure');
    expect(Number(value('Service', 'RestartSec'))).toBeGreaterThan(0);
    expect(value('Install', 'WantedBy')).toBe('multi-user.target');
    expect(value('Unit', 'After')).toContain('network-online.target');
    expect(value('Unit', 'Wants')).toContain('network-online.target');
  });

  it('is hardened: no new privileges, read-only system but the data directory, private /tmp, only read-any-file as capability', () => {
    expect(value('Service', 'NoNewPrivileges')).toBe('yes');
    expect(value('Service', 'ProtectSystem')).toBe('strict');
    expect(values('Service', 'ReadWritePaths').join(' ').split(/\s+/)).toContain('/var/lib/floe-agent');
    expect(value('Service', 'PrivateTmp')).toBe('yes');
    expect(value('Service', 'ProtectHome')).toBe('read-only');
    expect(value('Service', 'CapabilityBoundingSet')).toBe('CAP_DAC_READ_SEARCH');
    expect(value('Service', 'AmbientCapabilities')).toBe('CAP_DAC_READ_SEARCH');
    for (const key of ['ProtectKernelTunables', 'ProtectKernelModules', 'ProtectControlGroups', 'RestrictSUIDSGID', 'LockPersonality']) {
      expect(value('Service', key), key).toBe('yes');
    }
    // Node's JIT writes executable memory: this one would make the agent crash at start.
    expect(value('Service', 'MemoryDenyWriteExecute')).toBeUndefined();
  });

  it('keeps tape drives and changers reachable: no PrivateDevices, st and sg allowed under a closed device policy', () => {
    expect(value('Service', 'PrivateDevices')).not.toBe('yes');
    expect(value('Service', 'DevicePolicy')).toBe('closed');
    expect(values('Service', 'DeviceAllow')).toEqual(expect.arrayContaining(['char-st rw', 'char-sg rw']));
    expect(value('Service', 'RestrictAddressFamilies')?.split(/\s+/)).toEqual(expect.arrayContaining(['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_NETLINK']));
  });

  it('tells how to create the user and enable the service', () => {
    const text = readFileSync(unitPath, 'utf8');
    expect(text).toContain('useradd --system');
    expect(text).toContain('systemctl enable --now floe-agent');
  });

  it.skipIf(!existsSync(SYSTEMD_ANALYZE))('passes systemd-analyze verify and rates at most 4.5 in systemd-analyze security', async () => {
    const run = promisify(execFile);
    const verify = await run(SYSTEMD_ANALYZE, ['verify', unitPath]);
    expect(verify.stderr).toBe('');
    const security = await run(SYSTEMD_ANALYZE, ['security', '--offline=yes', '--threshold=45', '--no-pager', unitPath]);
    expect(security.stdout).toMatch(/Overall exposure level for floe-agent\.service: [0-4]\.\d/);
  });
});
