/** How CLI commands report: one JSON document with --json, readable lines otherwise; errors on stderr. */
import { isFloeError } from '../../shared/errors.js';

export function printResult(json: boolean, data: unknown, lines: () => string[]): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${lines().join('\n')}\n`);
}

/** Prints a one-line reason and exits non-zero. */
export function fail(error: unknown): never {
  const message = isFloeError(error) ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`floe-agent: ${message}\n`);
  process.exit(1);
}
