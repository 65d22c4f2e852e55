/** The layout of an agent's data directory (see ARCHITECTURE.md, "Storage on a location"). */
import { join } from 'node:path';

export interface DataDirPaths {
  readonly root: string;
  readonly config: string;
  readonly tlsDir: string;
  readonly tlsKey: string;
  readonly tlsCert: string;
  readonly tokens: string;
  /** The admin token the local CLI uses to talk to the running agent. */
  readonly cliToken: string;
  readonly runFile: string;
  readonly logsDir: string;
  readonly catalog: string;
  /** Virtual tape libraries, one directory each. */
  readonly vtlDir: string;
}

export function dataDirPaths(root: string): DataDirPaths {
  return {
    root,
    config: join(root, 'agent.json'),
    tlsDir: join(root, 'tls'),
    tlsKey: join(root, 'tls', 'key.pem'),
    tlsCert: join(root, 'tls', 'cert.pem'),
    tokens: join(root, 'tokens.json'),
    cliToken: join(root, 'cli-token'),
    runFile: join(root, 'agent.run.json'),
    logsDir: join(root, 'logs'),
    catalog: join(root, 'catalog.db'),
    vtlDir: join(root, 'vtl'),
  };
}
