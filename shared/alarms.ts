/** The console's alarm feed: problems of every location, one row each, acknowledgeable. */
import { z } from 'zod';

export const alarmSchema = z.object({
  /** Stable for the same problem, so an acknowledgement sticks until the problem changes. */
  id: z.string().max(512),
  locationId: z.uuid(),
  location: z.string().max(64),
  severity: z.enum(['critical', 'warning']),
  kind: z.enum(['job-failed', 'job-warning', 'waiting-media', 'license', 'check', 'offline']),
  at: z.iso.datetime(),
  text: z.string().max(4096),
  acknowledged: z.boolean(),
});
export type Alarm = z.infer<typeof alarmSchema>;

export const alarmsViewSchema = z.object({ alarms: z.array(alarmSchema) });
export type AlarmsView = z.infer<typeof alarmsViewSchema>;
