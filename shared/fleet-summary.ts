/** Fleet-wide aggregates the console keeps from every location's replica (for the overview). */
import { z } from 'zod';
import { jobSchema, jobStateSchema } from './engine.js';
import { licenseStatusSchema } from './license.js';

export const locationSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  running: z.number().int().nonnegative(),
  waitingForMedia: z.number().int().nonnegative(),
  failedToday: z.number().int().nonnegative(),
  backupDay: z.string().nullable(),
  drivesBusy: z.number().int().nonnegative(),
  drives: z.number().int().nonnegative(),
  media: z.object({ scratch: z.number().int(), append: z.number().int(), full: z.number().int(), other: z.number().int() }),
  capacity: z.number().nonnegative(),
  used: z.number().nonnegative(),
  license: licenseStatusSchema.pick({ status: true, daysLeft: true, expires: true }).nullable(),
});
export type LocationSummary = z.infer<typeof locationSummarySchema>;

export const fleetSummarySchema = z.object({
  locations: z.array(locationSummarySchema),
  /** Jobs by state over the locations' active and recent jobs. */
  jobsByState: z.partialRecord(jobStateSchema, z.number().int().nonnegative()),
  running: z.array(jobSchema.extend({ locationId: z.uuid(), location: z.string() })),
  licenses: z.record(z.string(), z.number().int().nonnegative()),
});
export type FleetSummary = z.infer<typeof fleetSummarySchema>;
