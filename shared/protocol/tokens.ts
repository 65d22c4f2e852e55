/** Token commands: admins create (shown once), list and revoke API tokens. */
import { z } from 'zod';
import { roleSchema } from './role.js';
import { command } from './command.js';

const tokenInfo = z.object({ id: z.string(), role: roleSchema, createdAt: z.iso.datetime(), revokedAt: z.iso.datetime().nullable() });

export const tokenCommands = {
  'token:create': command(z.object({ role: roleSchema }).strict(), tokenInfo.extend({ token: z.string() }), 'admin'),
  'token:list': command(z.object({}).strict(), z.array(tokenInfo), 'admin'),
  'token:revoke': command(z.object({ id: z.string().regex(/^[0-9a-f]{12}$/) }).strict(), tokenInfo, 'admin'),
} as const;
