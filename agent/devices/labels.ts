/** Label policy: labels are the pool name and 5 digits, match the pool's pattern, and are unique. */
import { FloeError } from '../../shared/errors.js';
import { defaultLabelPattern, mediaLabelSchema, type Pool } from '../../shared/devices.js';

export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern.startsWith('^') ? pattern : `^(?:${pattern})$`);
  } catch (error) {
    throw new FloeError('BAD_REQUEST', `label pattern ${JSON.stringify(pattern)} is not a regular expression: ${(error as Error).message}`);
  }
}

export function makePool(args: { name: string; labelPattern?: string; retentionDays?: number; mediaType?: Pool['mediaType']; allocation?: Pool['allocation'] }): Pool {
  const labelPattern = args.labelPattern ?? defaultLabelPattern(args.name);
  const first = `${args.name}00001`;
  if (!compilePattern(labelPattern).test(first)) {
    throw new FloeError('BAD_REQUEST', `label pattern ${labelPattern} does not accept ${first}; labels are the pool name and 5 digits`);
  }
  return { name: args.name, labelPattern, retentionDays: args.retentionDays ?? 14, mediaType: args.mediaType ?? 'any', allocation: args.allocation ?? 'continue' };
}

/** The label to use: the one asked for (checked), or the pool's next free number. */
export function chooseLabel(pool: Pool, requested: string | undefined, existing: readonly string[]): string {
  const pattern = compilePattern(pool.labelPattern);
  if (requested !== undefined) {
    if (!mediaLabelSchema.safeParse(requested).success || !requested.startsWith(pool.name) || !pattern.test(requested)) {
      throw new FloeError('BAD_REQUEST', `label ${requested} does not match pool ${pool.name} (pattern ${pool.labelPattern})`);
    }
    return requested;
  }
  const numbers = existing.map((label) => Number(label.slice(pool.name.length))).filter(Number.isInteger);
  const next = numbers.length === 0 ? 1 : Math.max(...numbers) + 1;
  if (next > 99_999) throw new FloeError('CONFLICT', `pool ${pool.name} has used all 99999 label numbers`);
  const label = `${pool.name}${String(next).padStart(5, '0')}`;
  if (!pattern.test(label)) throw new FloeError('BAD_REQUEST', `the next label ${label} does not match pool ${pool.name}'s pattern ${pool.labelPattern}; give --label`);
  return label;
}
