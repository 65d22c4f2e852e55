/**
 * The pre-flight check (Amanda's amcheck): before the night's runs, is there media to write on,
 * can every task's sources be read, is there room for the catalog, will the license allow it.
 */
import { constants } from 'node:fs';
import { access, opendir, statfs } from 'node:fs/promises';
import type { CheckReport } from '../../shared/schedule.js';
import type { LicenseStatus } from '../../shared/license.js';
import type { DeviceService } from '../devices/device-service.js';
import type { EngineStore } from './engine-store.js';

const GIB = 1024 ** 3;

export interface PreflightInputs {
  readonly store: EngineStore;
  readonly devices: DeviceService;
  readonly license: () => LicenseStatus;
  readonly dataDir: string;
  readonly now: Date;
}

async function readable(path: string): Promise<string | null> {
  try {
    await access(path, constants.R_OK);
    const dir = await opendir(path).catch(() => null);
    await dir?.close();
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
}

export async function runPreflight(inputs: PreflightInputs): Promise<CheckReport> {
  const problems: CheckReport['problems'] = [];
  const tasks = inputs.store.tasks();
  if (tasks.length === 0) problems.push({ severity: 'warning', subject: 'tasks', message: 'no backup tasks are defined; add one with: floe-agent task add' });
  const pools = new Set(tasks.map((task) => task.pool));
  for (const pool of pools) {
    let usable = 0;
    try {
      usable = inputs.devices.mediaForWrite(pool, new Set()).length;
    } catch (error) {
      problems.push({ severity: 'error', subject: `pool ${pool}`, message: (error as Error).message });
      continue;
    }
    if (usable === 0) problems.push({ severity: 'error', subject: `pool ${pool}`, message: `no appendable or scratch media of pool ${pool} is in a loader; label or import a cartridge` });
  }
  for (const task of tasks) {
    for (const source of task.sources) {
      const reason = await readable(source);
      if (reason) problems.push({ severity: 'error', subject: `task ${task.name}`, message: `source ${source} cannot be read (${reason})` });
    }
  }
  try {
    const fs = await statfs(inputs.dataDir);
    const free = fs.bavail * fs.bsize;
    const share = fs.blocks > 0 ? fs.bavail / fs.blocks : 1;
    if (free < GIB / 10) problems.push({ severity: 'error', subject: 'disk', message: `only ${Math.round(free / 1024 ** 2)} MiB free for the catalog in ${inputs.dataDir}` });
    else if (free < GIB || share < 0.05) problems.push({ severity: 'warning', subject: 'disk', message: `${(free / GIB).toFixed(1)} GiB (${Math.round(share * 100)} %) free for the catalog in ${inputs.dataDir}` });
  } catch (error) {
    problems.push({ severity: 'warning', subject: 'disk', message: `cannot read the free space of ${inputs.dataDir}: ${(error as Error).message}` });
  }
  const license = inputs.license();
  if (license.status === 'expired' || license.status === 'invalid') {
    problems.push({ severity: 'error', subject: 'license', message: `the license is ${license.status}; backups will be refused${license.reason ? ` (${license.reason})` : ''}` });
  } else if (license.status === 'expiring') {
    problems.push({ severity: 'warning', subject: 'license', message: `the ${license.licenseId ? 'license' : 'trial'} expires in ${license.daysLeft} days` });
  }
  return { at: inputs.now.toISOString(), ok: !problems.some((problem) => problem.severity === 'error'), problems };
}
