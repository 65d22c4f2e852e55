/** Calendar limits the views need, without schemas (schedule.ts enforces them in its query schema). */

/** The longest calendar span one query may ask for, so one answer stays bounded. */
export const MAX_CALENDAR_SPAN_DAYS = 62;
