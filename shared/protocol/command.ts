import type { z } from 'zod';
import type { Role } from './catalog.js';

/** A console → agent command: its argument schema, its ack data schema, and the least role allowed. */
export interface CommandSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly args: A;
  readonly ack: R;
  readonly role: Role;
}

export function command<A extends z.ZodType, R extends z.ZodType>(args: A, ack: R, role: Role): CommandSpec<A, R> {
  return { args, ack, role };
}
