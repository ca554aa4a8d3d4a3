/**
 * Config section `location`: where the home is, for offline sun times
 * (rules' `sun` conditions) and the local clock of time windows.
 *
 * ```yaml
 * location: { latitude: 52.37, longitude: 4.90, time_zone: Europe/Amsterdam }
 * ```
 */
import { z } from "zod";

/** True when `Intl` knows the IANA zone name on this Node build. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const locationSchema = z.strictObject({
  /** Degrees north (negative: south), WGS84. */
  latitude: z.number().min(-90).max(90),
  /** Degrees east (negative: west), WGS84. */
  longitude: z.number().min(-180).max(180),
  /** IANA time zone of the home for `after`/`before` windows; default: the process's zone (TZ). */
  time_zone: z.string().refine(isTimeZone, { message: "unknown IANA time zone (e.g. Europe/Amsterdam)" }).optional(),
});

export type LocationConfig = z.infer<typeof locationSchema>;
