/** Fleet-wide aggregates the console keeps from every location's replica (for the overview). */
import { z } from 'zod';
import { jobSchema, jobStateSchema } from './engine.js';
import { licenseStatusSchema } from './license.js';

const mediaCountsSchema = z.object({ scratch: z.number().int(), append: z.number().int(), full: z.number().int(), other: z.number().int() });

export const locationSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  running: z.number().int().nonnegative(),
  waitingForMedia: z.number().int().nonnegative(),
  failedToday: z.number().int().nonnegative(),
  backupDay: z.string().nullable(),
  drivesBusy: z.number().int().nonnegative(),
  drives: z.number().int().nonnegative(),
  media: mediaCountsSchema,
  capacity: z.number().nonnegative(),
  used: z.number().nonnegative(),
  license: licenseStatusSchema.pick({ status: true, daysLeft: true, expires: true }).nullable(),
});
export type LocationSummary = z.infer<typeof locationSummarySchema>;

/** Sums over every location: the fleet's jobs, drive and media utilisation at a glance. */
export const fleetTotalsSchema = z.object({
  locations: z.number().int().nonnegative(),
  running: z.number().int().nonnegative(),
  waitingForMedia: z.number().int().nonnegative(),
  failedToday: z.number().int().nonnegative(),
  drivesBusy: z.number().int().nonnegative(),
  drives: z.number().int().nonnegative(),
  media: mediaCountsSchema,
  capacity: z.number().nonnegative(),
  used: z.number().nonnegative(),
});
export type FleetTotals = z.infer<typeof fleetTotalsSchema>;

export const runningJobSchema = jobSchema.extend({ locationId: z.uuid(), location: z.string() });
export type RunningJob = z.infer<typeof runningJobSchema>;

export const fleetSummarySchema = z.object({
  /** One row per location, in the fleet's display order (problems first, then by name). */
  locations: z.array(locationSummarySchema),
  /** Jobs by state over the locations' active and recent jobs. */
  jobsByState: z.partialRecord(jobStateSchema, z.number().int().nonnegative()),
  running: z.array(runningJobSchema),
  /** Locations by license status. */
  licenses: z.record(z.string(), z.number().int().nonnegative()),
  totals: fleetTotalsSchema,
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
