/** The schemas of versioned pushes (topic-patch.ts), for the boundaries that parse them. */
import { z } from 'zod';
import type { Patch, VersionedPush } from './topic-patch.js';

const MAX_KEY = 4096;

export const patchSchema: z.ZodType<Patch> = z.lazy(() =>
  z.union([
    z.object({ r: z.unknown() }).strict(),
    z.object({ o: z.record(z.string().max(MAX_KEY), patchSchema), d: z.array(z.string().max(MAX_KEY)).optional() }).strict(),
    z.object({ k: z.record(z.string().max(MAX_KEY), patchSchema), ids: z.array(z.string().max(MAX_KEY)).optional() }).strict(),
    z.object({ a: z.record(z.string().regex(/^\d+$/), patchSchema), n: z.number().int().nonnegative().optional() }).strict(),
  ]),
) as z.ZodType<Patch>;

export const versionedPushSchema = z.object({
  version: z.number().int().nonnegative(),
  base: z.number().int().nonnegative().nullable(),
  patch: patchSchema,
}) satisfies z.ZodType<VersionedPush>;

/** The hand-written VersionedPush and the schema's type are the same. */
const sameShape: [z.infer<typeof versionedPushSchema>, VersionedPush] extends [VersionedPush, z.infer<typeof versionedPushSchema>] ? true : never = true;
void sameShape;
