/**
 * Timer durations: from the `hours` / `minutes` / `seconds` slots of Home
 * Assistant's timer intents to milliseconds, and from milliseconds to the
 * English hearth speaks ("1 hour and 5 minutes", "4 minutes and 12 seconds").
 */

/** The duration slots of a timer intent, with HA's names; `prefix` "start_" reads start_hours, ... */
export function durationFromSlots(slots: Record<string, unknown>, prefix = ""): number | undefined {
  let total = 0;
  let any = false;
  for (const [unit, ms] of [["hours", 3_600_000], ["minutes", 60_000], ["seconds", 1000]] as const) {
    const value = slots[prefix + unit];
    if (value === undefined) continue;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`slot ${prefix + unit}: not a duration (${String(value)})`);
    total += n * ms;
    any = true;
  }
  return any ? Math.round(total) : undefined;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * A duration in words, rounded to whole seconds: hours and minutes, or
 * minutes and seconds, or seconds ("1 hour and 30 minutes", "45 seconds").
 * Under a second reads "0 seconds". Long durations drop the seconds, as people do.
 */
export function durationWords(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(plural(h, "hour"));
  if (m) parts.push(plural(m, "minute"));
  if (s && !h) parts.push(plural(s, "second"));
  if (!parts.length) return plural(0, "second");
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** "10 minute", "1 hour 30 minute": a duration as an adjective ("your 10 minute timer"), from the duration it was set with. */
export function durationAdjective(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} hour`);
  if (m) parts.push(`${m} minute`);
  if (s) parts.push(`${s} second`);
  return parts.join(" ") || "0 second";
}
