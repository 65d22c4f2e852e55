/**
 * Runs one ConsoleApi call from an untrusted caller (a renderer over IPC or a browser over the web
 * host): the call name must exist and the arguments must match its schema. The outcome is an ack.
 */
import { consoleCalls, type CallOutcome, type ConsoleCallName, type ConsoleService } from '../../shared/console-api.js';
import { isFloeError } from '../../shared/errors.js';

export function isConsoleCallName(name: unknown): name is ConsoleCallName {
  return typeof name === 'string' && Object.hasOwn(consoleCalls, name);
}

export async function dispatchCall(service: ConsoleService, name: unknown, rawArgs: unknown): Promise<CallOutcome> {
  if (!isConsoleCallName(name)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: `unknown console call ${JSON.stringify(String(name)).slice(0, 80)}` } };
  }
  const parsed = consoleCalls[name].args.safeParse(rawArgs ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'arguments';
    return { ok: false, error: { code: 'BAD_REQUEST', message: `${name}: ${field}: ${issue?.message ?? 'invalid'}` } };
  }
  try {
    const call = service[name] as (args: unknown) => Promise<unknown>;
    return { ok: true, data: await call(parsed.data) };
  } catch (error) {
    if (isFloeError(error)) return { ok: false, error: { code: error.code, message: error.message } };
    return { ok: false, error: { code: 'INTERNAL', message: `${name} failed: ${error instanceof Error ? error.message : String(error)}` } };
  }
}
