/**
 * Fleet types shared by the console core and the renderer: a location's connection status and
 * the view of it that the renderer shows.
 */
import { z } from 'zod';
import { fingerprintSchema, locationNameSchema } from './protocol/catalog.js';

export const LOCATION_STATUSES = [
  'connecting',
  'online',
  'offline',
  'auth-failed',
  'cert-mismatch',
  'version-mismatch',
] as const;
export const locationStatusSchema = z.enum(LOCATION_STATUSES);
export type LocationStatus = z.infer<typeof locationStatusSchema>;

/** The one status word each location shows (stable UI names). */
export const STATUS_WORDS: Readonly<Record<LocationStatus, string>> = {
  connecting: 'Connecting',
  online: 'Online',
  offline: 'Offline',
  'auth-failed': 'Auth failed',
  'cert-mismatch': 'Certificate mismatch',
  'version-mismatch': 'Version mismatch',
};

/** Statuses that need the administrator's attention before anything else (sorted first). */
export function isProblemStatus(status: LocationStatus): boolean {
  return status !== 'online' && status !== 'connecting';
}

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
