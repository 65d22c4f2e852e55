/**
 * The console's check of an agent's `delta` (untrusted input) on the hot path: one precompiled zod
 * schema per change domain, picked by `change.domain`, instead of the whole discriminated union.
 * The same rules as `deltaSchema`; anything that does not name a known domain goes through
 * `deltaSchema` itself, so the error is the one it gives.
 */
import { z } from 'zod';
import { changeSchema, deltaSchema, type Delta } from '../../shared/protocol/catalog.js';

const byDomain = new Map<unknown, z.ZodType<Delta>>(
  changeSchema.options.map((option) => [option.shape.domain.value, deltaSchema.extend({ change: option }) as unknown as z.ZodType<Delta>]),
);

export function parseDelta(payload: unknown): ReturnType<typeof deltaSchema.safeParse> {
  const change = typeof payload === 'object' && payload !== null ? (payload as { change?: unknown }).change : undefined;
  const domain = typeof change === 'object' && change !== null ? (change as { domain?: unknown }).domain : undefined;
  return (byDomain.get(domain) ?? deltaSchema).safeParse(payload);
}
