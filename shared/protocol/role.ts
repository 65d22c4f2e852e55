import { z } from 'zod';

/** Token roles: `admin` may change things, `monitor` only reads. */
export const roleSchema = z.enum(['admin', 'monitor']);
export type Role = z.infer<typeof roleSchema>;
