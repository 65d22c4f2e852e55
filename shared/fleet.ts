/**
 * Fleet types shared by the console core and the renderer: a location's connection status and
 * the view of it that the renderer shows.
 */
import { z } from 'zod';
import { fingerprintSchema, locationNameSchema } from './protocol/catalog.js';
import { LOCATION_STATUSES, type LocationStatus } from './fleet-status.js';

export { isProblemStatus, LOCATION_STATUSES, STATUS_WORDS, type LocationStatus } from './fleet-status.js';
export const locationStatusSchema = z.enum(LOCATION_STATUSES) satisfies z.ZodType<LocationStatus>;

export const hostSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address');
export const portSchema = z.number().int().min(1).max(65535);

export const locationViewSchema = z.object({
  id: z.uuid(),
  name: locationNameSchema,
  host: hostSchema,
  port: portSchema,
  fingerprint: fingerprintSchema,
  status: locationStatusSchema,
  /** Why the status is what it is, in words (the last error's message), or null. */
  detail: z.string().nullable(),
  /** ISO time the link was last online, or null if never. */
  lastSeen: z.iso.datetime().nullable(),
  /** What the agent said about itself in `location:hello`, once connected. */
  agent: z.object({ name: z.string(), version: z.string(), agentId: z.string() }).nullable(),
});
export type LocationView = z.infer<typeof locationViewSchema>;

export const fleetViewSchema = z.object({
  locations: z.array(locationViewSchema),
});
export type FleetView = z.infer<typeof fleetViewSchema>;
