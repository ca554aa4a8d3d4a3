/**
 * Times and durations the way people say them, for spoken and typed answers:
 * "just now", "4 minutes ago", "about an hour ago", "at 2:15 pm",
 * "yesterday at 9:05 am", "on Monday at 7:40 pm", "for about 25 minutes".
 * Clock times are in an IANA time zone through `Intl` (the config's
 * `location.time_zone`; the process's zone when undefined).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(tMs: number, timeZone: string | undefined): { date: string; hour: number; minute: number; weekday: string; month: string; day: number } {
  const key = timeZone ?? "";
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "long", day: "numeric", weekday: "long", hour: "numeric", minute: "2-digit", hourCycle: "h23" });
    formatters.set(key, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(tMs))) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) % 24, minute: Number(p.minute), weekday: p.weekday!, month: p.month!, day: Number(p.day) };
}

/** "2:15 pm", "12:00 am" (12-hour clock, as spoken in English). */
export function clockTime(tMs: number, timeZone?: string): string {
  const { hour, minute } = parts(tMs, timeZone);
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return `${h12}:${String(minute).padStart(2, "0")} ${hour < 12 ? "am" : "pm"}`;
}

/**
 * When `tMs` was, seen from `nowMs`: "at 2:15 pm" (today), "yesterday at 9:05 am",
 * "on Monday at 7:40 pm" (within a week), else "on December 1 at 8:00 am".
 */
export function spokenWhen(tMs: number, nowMs: number, timeZone?: string): string {
  const at = `at ${clockTime(tMs, timeZone)}`;
  const then = parts(tMs, timeZone);
  if (then.date === parts(nowMs, timeZone).date) return at;
  if (then.date === parts(nowMs - 86_400_000, timeZone).date) return `yesterday ${at}`;
  if (nowMs - tMs < 6 * 86_400_000) return `on ${then.weekday} ${at}`;
  return `on ${then.month} ${then.day} ${at}`;
}

/** How long ago `tMs` was: "just now" (under 45 s), "a minute ago", "4 minutes ago", "about an hour ago", "about an hour and a half ago", "about 3 hours ago", "2 days ago". */
export function spokenAgo(tMs: number, nowMs: number): string {
  const s = Math.max(0, (nowMs - tMs) / 1000);
  if (s < 45) return "just now";
  if (s < 90) return "a minute ago";
  const m = Math.round(s / 60);
  if (m < 50) return `${m} minutes ago`;
  if (m < 80) return "about an hour ago";
  if (m < 105) return "about an hour and a half ago";
  const h = Math.round(m / 60);
  if (h < 36) return `about ${h} hours ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** A duration: "a few seconds", "40 seconds", "about a minute", "12 minutes", "about an hour and 20 minutes", "about 3 hours". */
export function spokenDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 10) return "a few seconds";
  if (s < 50) return `${s} seconds`;
  if (s < 90) return "about a minute";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minutes`;
  const h = Math.floor(m / 60), rest = m % 60;
  if (h >= 3) return `about ${Math.round(m / 60)} hours`;
  const hours = h === 1 ? "an hour" : `${h} hours`;
  if (rest < 5) return `about ${hours}`;
  return `about ${hours} and ${Math.round(rest / 5) * 5 || 5} minutes`;
}
