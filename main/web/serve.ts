#!/usr/bin/env node
/** `npm run serve`: the Floe console in a browser, served on loopback with a session token. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { defaultConfigDir } from '../core/config-dir.js';
import { createConsoleCore } from '../core/console-core.js';
import { startWebHost } from './host.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const defaultStaticDir = resolve(import.meta.dirname, '../../../out/renderer');

const program = new Command('floe-console-web')
  .description('serve the Floe console to a browser on this machine')
  .option('--config <dir>', 'console configuration directory (locations, tokens)', defaultConfigDir())
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0: any free port)', '0')
  .option('--allow-remote', 'allow a non-loopback --host (the session token then crosses the network in clear)')
  .option('--static <dir>', 'the built renderer', defaultStaticDir)
  .action(async (options: { config: string; host: string; port: string; allowRemote?: boolean; static: string }) => {
    if (!LOOPBACK.has(options.host) && !options.allowRemote) {
      throw new Error(`--host ${options.host} is not loopback; add --allow-remote if you really mean it`);
    }
    if (!existsSync(join(options.static, 'index.html'))) {
      throw new Error(`no built renderer in ${options.static}; run: npm run build`);
    }
    const core = createConsoleCore({ configDir: resolve(options.config) });
    const host = await startWebHost({ service: core.service, staticDir: options.static, host: options.host, port: Number(options.port) });
    process.stdout.write(`Floe console: ${host.url}\n`);
    const stop = (): void => {
      core.dispose();
      void host.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`floe console: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
