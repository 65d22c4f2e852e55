#!/usr/bin/env node
/** floe-license: the vendor's tool to make signing keys and issue signed licenses. */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { isFloeError } from '../../shared/errors.js';
import { writeFileAtomic } from '../secure-files.js';
import { AGENT_VERSION } from '../version.js';
import { issueLicense, keygen, parseLicenseDate } from './issue.js';

function fail(error: unknown): never {
  const message = isFloeError(error) ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`floe-license: ${message}\n`);
  process.exit(1);
}

function count(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new InvalidArgumentError('expected a whole number');
  return value;
}

function amount(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) throw new InvalidArgumentError('expected a number');
  return value;
}

const program = new Command('floe-license')
  .description('Floe license tool: make a vendor key pair, issue signed licenses')
  .version(AGENT_VERSION)
  // Usage errors as one line, like every other failure of this tool.
  .configureOutput({ outputError: (text, write) => write(`floe-license: ${text.replace(/^error: /, '')}`) });

program
  .command('keygen')
  .description('write a new Ed25519 key pair: vendor-private.pem (0600, keep it secret) and vendor.pub.pem (give it to agents: floe-agent license trust)')
  .requiredOption('--out <dir>', 'directory for the key pair')
  .option('--json', 'print one JSON document on stdout')
  .action((options: { out: string; json?: boolean }) => {
    const result = keygen(resolve(options.out));
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : `private key: ${result.privateKey}\npublic key:  ${result.publicKey}\nfingerprint: ${result.fingerprint}\n`);
  });

program
  .command('issue')
  .description('issue a license for one server, signed with the vendor private key')
  .requiredOption('--key <private>', 'the vendor private key (from keygen)')
  .requiredOption('--server <name>', 'the agent name the license is bound to')
  .option('--ip <ip>', 'bind the license to one address of the server as well')
  .requiredOption('--edition <edition>', 'the edition, e.g. standard')
  .requiredOption('--modules <a,b>', 'comma-separated modules, e.g. vtl,tape,hooks')
  .requiredOption('--expires <date>', 'last day of validity, YYYY-MM-DD (UTC)')
  .option('--support-expires <date>', 'last day of support (default: --expires)')
  .option('--licensee <text>', 'who the license is for (default: the server name)')
  .option('--drives <n>', 'most drives (default: unlimited)', count)
  .option('--loaders <n>', 'most loaders (default: unlimited)', count)
  .option('--capacity-tib <n>', 'most capacity in TiB (default: unlimited)', amount)
  .requiredOption('--out <file>', 'where to write the license file')
  .action(
    (options: {
      key: string;
      server: string;
      ip?: string;
      edition: string;
      modules: string;
      expires: string;
      supportExpires?: string;
      licensee?: string;
      drives?: number;
      loaders?: number;
      capacityTib?: number;
      out: string;
    }) => {
      const file = issueLicense(
        resolve(options.key),
        {
          server: options.server,
          ip: options.ip,
          edition: options.edition,
          modules: options.modules.split(',').map((name) => name.trim()).filter((name) => name !== ''),
          expires: parseLicenseDate(options.expires, '--expires'),
          supportExpires: options.supportExpires === undefined ? undefined : parseLicenseDate(options.supportExpires, '--support-expires'),
          licensee: options.licensee,
          drives: options.drives,
          loaders: options.loaders,
          capacityTiB: options.capacityTib,
        },
        new Date(),
      );
      writeFileAtomic(resolve(options.out), `${JSON.stringify(file, null, 2)}\n`, 0o644);
      process.stdout.write(`license ${file.license.id} for ${file.license.server} (${file.license.edition}, until ${file.license.expires.slice(0, 10)}) written to ${resolve(options.out)}\n`);
    },
  );

program.parseAsync(process.argv).catch(fail);
