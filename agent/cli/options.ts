/** Options every command shares: `--data DIR` (mandatory) and `--json`. */
import { Option } from 'commander';

export const dataOption = (): Option => new Option('--data <dir>', 'the agent data directory').makeOptionMandatory();
export const jsonOption = (): Option => new Option('--json', 'print one JSON document on stdout');

export interface CommonOptions {
  data: string;
  json?: boolean;
}
