/** `floe-agent token create|list|revoke`: API tokens for consoles (admin or read-only monitor). */
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { withAgent } from '../agent-client.js';
import { printResult } from '../output.js';
import { dataOption, jsonOption } from '../options.js';

const data = dataOption;
const json = jsonOption;

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for consoles');
  token
    .command('create')
    .description('create a token (printed once; the agent keeps only its hash)')
    .addOption(data())
    .addOption(new Option('--role <role>', 'admin, or monitor (read-only)').choices(['admin', 'monitor']).makeOptionMandatory())
    .addOption(json())
    .action(async (o: { data: string; role: 'admin' | 'monitor'; json?: boolean }) => {
      const created = await withAgent(resolve(o.data), (agent) => agent.call('token:create', { role: o.role }));
      printResult(o.json === true, created, () => [`${created.role} token ${created.id}: ${created.token}`, 'It is shown only this once.']);
    });
  token
    .command('list')
    .description('list tokens (ids and roles; never the secrets)')
    .addOption(data())
    .addOption(json())
    .action(async (o: { data: string; json?: boolean }) => {
      const list = await withAgent(resolve(o.data), (agent) => agent.call('token:list', {}));
      printResult(o.json === true, list, () => list.map((t) => `${t.id}  ${t.role.padEnd(7)} created ${t.createdAt}${t.revokedAt ? `  revoked ${t.revokedAt}` : ''}`));
    });
  token
    .command('revoke')
    .description('revoke a token; consoles using it are disconnected and refused from now on')
    .addOption(data())
    .requiredOption('--id <id>', 'token id (from token list)')
    .addOption(json())
    .action(async (o: { data: string; id: string; json?: boolean }) => {
      const revoked = await withAgent(resolve(o.data), (agent) => agent.call('token:revoke', { id: o.id }));
      printResult(o.json === true, revoked, () => [`revoked ${revoked.id}`]);
    });
}
