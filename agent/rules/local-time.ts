/**
 * Local wall-clock time for rules' `after`/`before` windows, in an IANA time
 * zone through `Intl` (so daylight-saving changes follow the tz database).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formatters.set(key, f);
  }
  return f;
}

/**
 * Seconds since local midnight (0..86399) of the instant `t_ms` (ms since the
 * Unix epoch) in `timeZone` (IANA name; the process's zone when undefined).
 * @throws RangeError for an unknown time zone (the config schema rejects those first).
 */
export function secondsOfDay(t_ms: number, timeZone?: string): number {
  let h = 0, m = 0, s = 0;
  for (const part of formatter(timeZone).formatToParts(new Date(t_ms))) {
    if (part.type === "hour") h = Number(part.value);
    else if (part.type === "minute") m = Number(part.value);
    else if (part.type === "second") s = Number(part.value);
  }
  return h * 3600 + m * 60 + s;
}

/**
 * Whether a local time of day lies in the window [after, before), all in
 * seconds since midnight. A window whose `after` is later than its `before`
 * spans midnight (22:00–06:00). A missing bound is open (after only: until
 * midnight; before only: from midnight).
 */
export function inTimeWindow(secondOfDay: number, after?: number, before?: number): boolean {
  if (after !== undefined && before !== undefined && after > before) return secondOfDay >= after || secondOfDay < before;
  return (after === undefined || secondOfDay >= after) && (before === undefined || secondOfDay < before);
}

/** "HH:MM" or "HH:MM:SS" for seconds since midnight (for firing reasons and logs). */
export function formatTimeOfDay(secondOfDay: number): string {
  const h = Math.floor(secondOfDay / 3600), m = Math.floor((secondOfDay % 3600) / 60), s = secondOfDay % 60;
  const hm = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
  return s ? `${hm}:${String(s).padStart(2, "0")}` : hm;
}
