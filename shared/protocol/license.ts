/** License commands of the agent protocol. */
import { z } from 'zod';
import { MAX_LICENSE_TEXT, MAX_PUBLIC_KEY_PEM, licenseStatusSchema } from '../license.js';
import { command } from './command.js';

/** `SHA256:` then 32 upper-case hex bytes, like certificate fingerprints. */
const keyFingerprintSchema = z.string().regex(/^SHA256:(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/);

export const licenseCommands = {
  'license:show': command(z.object({}).strict(), licenseStatusSchema, 'monitor'),
  'license:install': command(z.object({ text: z.string().min(1).max(MAX_LICENSE_TEXT) }).strict(), licenseStatusSchema, 'admin'),
  'license:trust': command(z.object({ publicKeyPem: z.string().min(1).max(MAX_PUBLIC_KEY_PEM) }).strict(), z.object({ fingerprint: keyFingerprintSchema }), 'admin'),
} as const;
