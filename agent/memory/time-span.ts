/**
 * The spans of time that history questions name ("today", "this morning",
 * "yesterday evening", "in the last two hours") as epoch-ms bounds in the
 * home's time zone, with the words to repeat in the answer. Parts of the day:
 * morning 05:00–12:00, afternoon 12:00–17:00, evening 17:00–22:00, night
 * 22:00–05:00. Local midnight is found through `Intl` (rules/local-time.ts);
 * on a daylight-saving change day "yesterday" is off by that hour.
 */
import { secondsOfDay } from "../rules/local-time.ts";

/** A span: events overlapping [from_ms, to_ms] count; `words` is how the answer says it ("this morning"). */
export interface TimeSpan {
  from_ms: number;
  to_ms: number;
  words: string;
}

const H = 3_600_000;
const DAY = 24 * H;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: H, half_hour: H / 2, day: DAY };

/** Named spans: day offset (0 today, -1 yesterday) and local hours [from, to). */
const NAMED: Record<string, { day: number; from: number; to: number; words: string }> = {
  today: { day: 0, from: 0, to: 24, words: "today" },
  this_morning: { day: 0, from: 5, to: 12, words: "this morning" },
  this_afternoon: { day: 0, from: 12, to: 17, words: "this afternoon" },
  this_evening: { day: 0, from: 17, to: 22, words: "this evening" },
  tonight: { day: 0, from: 17, to: 29, words: "tonight" },
  last_night: { day: -1, from: 22, to: 29, words: "last night" },
  yesterday: { day: -1, from: 0, to: 24, words: "yesterday" },
  yesterday_morning: { day: -1, from: 5, to: 12, words: "yesterday morning" },
  yesterday_afternoon: { day: -1, from: 12, to: 17, words: "yesterday afternoon" },
  yesterday_evening: { day: -1, from: 17, to: 22, words: "yesterday evening" },
  this_week: { day: -6, from: 0, to: 24 * 7, words: "this week" },
};

/**
 * The span of the `seen_when` slots at `nowMs`: `span` (a name above, or
 * `recently` = the last 3 hours), or `amount` × `unit` back from now
 * ("the last hour" has no amount), which ends at `nowMs`.
 * @throws Error naming the value of an unknown span or unit.
 */
export function timeSpan(slots: { span?: unknown; amount?: unknown; unit?: unknown }, nowMs: number, timeZone?: string): TimeSpan {
  if (slots.unit !== undefined) {
    const unit = String(slots.unit);
    const unitMs = UNIT_MS[unit];
    if (!unitMs) throw new Error(`unit "${unit}": not one of ${Object.keys(UNIT_MS).join(", ")}`);
    const amount = slots.amount === undefined ? 1 : Number(slots.amount);
    const noun = unit === "half_hour" ? "half hour" : unit;
    return { from_ms: nowMs - amount * unitMs, to_ms: nowMs, words: amount === 1 ? `in the last ${noun}` : `in the last ${amount} ${noun}s` };
  }
  const span = String(slots.span);
  if (span === "recently") return { from_ms: nowMs - 3 * H, to_ms: nowMs, words: "recently" };
  const named = NAMED[span];
  if (!named) throw new Error(`span "${span}": not one of recently, ${Object.keys(NAMED).join(", ")}`);
  const midnight = nowMs - secondsOfDay(nowMs, timeZone) * 1000 - (nowMs % 1000);
  const day = midnight + named.day * DAY;
  // A named span keeps its own end (not now): a file camera played faster than real time stamps events ahead of the clock.
  return { from_ms: day + named.from * H, to_ms: day + named.to * H, words: named.words };
}
