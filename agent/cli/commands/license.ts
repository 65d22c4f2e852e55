/** `floe-agent license show|install|trust`: through the running agent, never behind its back. */
import { readFileSync, statSync } from 'node:fs';
import { FloeError } from '../../../shared/errors.js';
import { MAX_LICENSE_TEXT, MAX_PUBLIC_KEY_PEM, type LicenseStatus } from '../../../shared/license.js';
import { withAgent } from '../agent-client.js';
import { printResult } from '../output.js';

function readInput(path: string, maxBytes: number, what: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new FloeError('NOT_FOUND', `cannot read ${what} ${path}; check the path`);
  }
  if (size > maxBytes) throw new FloeError('BAD_REQUEST', `${path} is larger than ${maxBytes / 1024} KiB; it is not a ${what}`);
  return readFileSync(path, 'utf8');
}

function statusLines(status: LicenseStatus): string[] {
  const limit = (value: number | null) => (value === null ? 'unlimited' : String(value));
  const lines = [
    `status:    ${status.status}${status.expires ? ` (${status.daysLeft} day${status.daysLeft === 1 ? '' : 's'} left, ends ${status.expires.slice(0, 10)})` : ''}`,
    `edition:   ${status.edition ?? '-'}`,
    `modules:   ${status.modules.join(', ') || '-'}`,
    `drives:    ${status.usage.drives} of ${limit(status.limits.drives)}`,
    `loaders:   ${status.usage.loaders} of ${limit(status.limits.loaders)}`,
    `capacity:  ${limit(status.limits.capacityTiB)} TiB`,
  ];
  if (status.licensee !== null) lines.push(`licensee:  ${status.licensee}`);
  if (status.server !== null) lines.push(`server:    ${status.server}${status.ip ? ` (${status.ip})` : ''}`);
  if (status.licenseId !== null) lines.push(`license:   ${status.licenseId}, support until ${status.supportExpires?.slice(0, 10) ?? '-'}`);
  lines.push(`trial from ${status.trialStartedAt}; last check ${status.lastCheck}`);
  if (status.reason !== null) lines.push(status.reason);
  return lines;
}

export async function runLicenseShow(dataDir: string, json: boolean): Promise<void> {
  const status = await withAgent(dataDir, (client) => client.call('license:show', {}));
  printResult(json, status, () => statusLines(status));
}

export async function runLicenseInstall(dataDir: string, file: string, json: boolean): Promise<void> {
  const text = readInput(file, MAX_LICENSE_TEXT, 'license file');
  const status = await withAgent(dataDir, (client) => client.call('license:install', { text }));
  printResult(json, status, () => ['License installed.', ...statusLines(status)]);
}

export async function runLicenseTrust(dataDir: string, file: string, json: boolean): Promise<void> {
  const publicKeyPem = readInput(file, MAX_PUBLIC_KEY_PEM, 'public key file');
  const result = await withAgent(dataDir, (client) => client.call('license:trust', { publicKeyPem }));
  printResult(json, result, () => [`Trusted vendor key ${result.fingerprint}`]);
}
