#!/usr/bin/env node
/** floe-agent: the command line of a Floe location's agent. */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { DEFAULT_LISTEN } from '../config.js';
import { runInit } from './commands/init.js';
import { runStart } from './commands/start.js';
import { runStatus } from './commands/status.js';
import { registerDeviceCommands } from './commands/devices.js';
import { registerEngineCommands } from './commands/engine.js';
import { registerScheduleCommands } from './commands/schedule.js';
import { registerTokenCommands } from './commands/tokens.js';
import { runLicenseInstall, runLicenseShow, runLicenseTrust } from './commands/license.js';
import { fail } from './output.js';
import { dataOption, jsonOption } from './options.js';


const program = new Command('floe-agent')
  .description('Floe agent: owns a backup server\'s drives, loaders, media, jobs and catalog, and serves the Floe console over TLS')
  .version(AGENT_VERSION)
  .showHelpAfterError();

program
  .command('init')
  .description('create a data directory: configuration, a self-signed TLS certificate and an admin token (printed once)')
  .addOption(dataOption())
  .requiredOption('--name <name>', 'the location name shown in the console')
  .option('--listen <host:port>', 'address to serve on', DEFAULT_LISTEN)
  .addOption(jsonOption())
  .action((options: { data: string; name: string; listen: string; json?: boolean }) =>
    runInit({ dataDir: resolve(options.data), name: options.name, listen: options.listen, json: options.json === true }),
  );

program
  .command('start')
  .description('run the agent in the foreground (HTTPS/WSS only); logs are JSON lines on stderr and in DIR/logs/agent.log')
  .addOption(dataOption())
  .option('--listen <host:port>', 'serve on this address instead of the configured one')
  .action((options: { data: string; listen?: string }) => runStart(resolve(options.data), options.listen));

program
  .command('status')
  .description('report whether the agent of DIR runs and where (exit 0 running, 3 not running)')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action((options: { data: string; json?: boolean }) => runStatus(resolve(options.data), options.json === true));

registerDeviceCommands(program);
registerEngineCommands(program);
registerScheduleCommands(program);
registerTokenCommands(program);

const license = program.command('license').description('the location\'s license: show it, install one, trust a vendor key (through the running agent)');
license
  .command('show')
  .description('show the license status: trial, valid, expiring, expired or invalid, with limits and usage')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action((options: { data: string; json?: boolean }) => runLicenseShow(resolve(options.data), options.json === true));
license
  .command('install')
  .description('install a license file; a refused license leaves the current one in force')
  .argument('<file>', 'the license file from the vendor')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action((file: string, options: { data: string; json?: boolean }) => runLicenseInstall(resolve(options.data), file, options.json === true));
license
  .command('trust')
  .description('trust a vendor public key (Ed25519 PEM) to sign licenses')
  .argument('<public-key-file>', 'the vendor public key file')
  .addOption(dataOption())
  .addOption(jsonOption())
  .action((file: string, options: { data: string; json?: boolean }) => runLicenseTrust(resolve(options.data), file, options.json === true));

program.parseAsync(process.argv).catch(fail);
