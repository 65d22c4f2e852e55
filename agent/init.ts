/** `floe-agent init`: creates a location's data directory. */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { FloeError } from '../shared/errors.js';
import { formatListen, parseListen, writeConfig, type AgentConfig } from './config.js';
import { dataDirPaths } from './data-dir.js';
import { writeSecretFile } from './secure-files.js';
import { certificateFingerprint, createSelfSignedCertificate } from './tls.js';
import { TokenStore } from './tokens.js';
import { locationNameSchema } from '../shared/protocol/catalog.js';

export interface InitOptions {
  readonly dataDir: string;
  readonly name: string;
  readonly listen: string;
  readonly now: Date;
}

export interface InitResult {
  readonly dataDir: string;
  readonly name: string;
  readonly agentId: string;
  readonly listen: string;
  readonly fingerprint: string;
  /** The admin token, in clear: shown once, never stored in clear by the agent. */
  readonly token: string;
}

export async function initDataDir(options: InitOptions): Promise<InitResult> {
  const name = locationNameSchema.safeParse(options.name);
  if (!name.success) throw new FloeError('BAD_REQUEST', `--name "${options.name}": ${name.error.issues[0]?.message ?? 'invalid'}`);
  const listen = parseListen(options.listen);
  const paths = dataDirPaths(options.dataDir);
  if (existsSync(paths.config)) {
    throw new FloeError('CONFLICT', `${options.dataDir} already holds an agent (${paths.config}); choose an empty directory`);
  }
  if (existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0) {
    throw new FloeError('CONFLICT', `${options.dataDir} is not empty; choose an empty or new directory`);
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.tlsDir, { mode: 0o700 });
  mkdirSync(paths.logsDir, { mode: 0o700 });

  const tls = await createSelfSignedCertificate(name.data, listen.host, options.now);
  writeSecretFile(paths.tlsKey, tls.key);
  writeSecretFile(paths.tlsCert, tls.cert);

  const tokens = new TokenStore(paths.tokens);
  const admin = tokens.create('admin', options.now);
  const cli = tokens.create('admin', options.now);
  writeSecretFile(paths.cliToken, `${cli.token}\n`);

  const config: AgentConfig = { name: name.data, agentId: randomUUID(), listen, createdAt: options.now.toISOString() };
  // The configuration is written last: a directory without agent.json is an interrupted init.
  writeConfig(paths.config, config);
  return {
    dataDir: options.dataDir,
    name: config.name,
    agentId: config.agentId,
    listen: formatListen(listen),
    fingerprint: certificateFingerprint(tls.cert),
    token: admin.token,
  };
}
