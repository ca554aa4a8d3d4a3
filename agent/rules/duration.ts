/**
 * Human durations for rules: "10 minutes", "90s", "1h 30m", "500 ms", with an
 * optional leading sign for offsets ("-30 min"). Parsed once, at config load,
 * into milliseconds.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*/gy;

/**
 * Parse a duration string into milliseconds (rounded to whole ms).
 * Accepts one or more `<number><unit>` parts ("1h 30m", "2 minutes 10 s"),
 * units ms, s/sec/second(s), m/min/minute(s), h/hr/hour(s), d/day(s),
 * and a leading `+` or `-`.
 * @returns the signed duration in ms, or an error message saying what is wrong.
 */
export function parseDuration(text: string): number | { error: string } {
  let rest = text.trim().toLowerCase();
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    if (rest[0] === "-") sign = -1;
    rest = rest.slice(1).trimStart();
  }
  if (rest === "") return { error: `empty duration "${text}"` };
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(rest); match; match = PART.exec(rest)) {
    const unit = UNIT_MS[match[2]!];
    if (unit === undefined) return { error: `unknown unit "${match[2]}" in "${text}" (use ms, s, min, h or d)` };
    total += Number(match[1]) * unit;
    consumed = PART.lastIndex;
  }
  if (consumed !== rest.length) return { error: `not a duration: "${text}" (expected e.g. "10 minutes", "90s", "1h 30m")` };
  return sign * Math.round(total);
}

/** Format milliseconds for log lines and firing reasons: "10 min", "1 h 5 min", "45 s", "250 ms". */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest} ms`;
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1000]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  return sign + parts.join(" ");
}
