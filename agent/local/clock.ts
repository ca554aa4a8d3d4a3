/**
 * HassGetCurrentTime and HassGetCurrentDate, answered from hearth's own clock
 * in the home's time zone (config `location.time_zone`; the process's zone,
 * TZ, when unset): "It's 2:15 PM." and "Today is Thursday, December 3, 2026."
 */

/** "It's 2:15 PM." for `at` in `timeZone` (an IANA name; undefined: the process's zone). */
export function timeAnswer(at: Date, timeZone?: string): string {
  const time = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", hour12: true, timeZone }).format(at);
  return `It's ${time}.`;
}

/** "Today is Thursday, December 3, 2026." for `at` in `timeZone`. */
export function dateAnswer(at: Date, timeZone?: string): string {
  const date = new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone }).format(at);
  return `Today is ${date}.`;
}
