/**
 * Which timer a request means ("cancel the pasta timer", "how long is left on
 * the 10 minute timer", "pause the timer"), after Home Assistant's timer
 * matching: by name, by the area it was set in ("the kitchen timer"), by the
 * duration it was set with, and when nothing
 * narrows it, the only timer, or the only one set from the same microphone.
 */
import type { CommandOrigin } from "../controller/types.ts";
import { durationAdjective, durationFromSlots } from "./duration.ts";
import type { StoredTimer } from "./timer-store.ts";

export type TimerSelection =
  | { kind: "one"; timer: StoredTimer }
  | { kind: "none"; asked?: string }
  | { kind: "ambiguous"; timers: StoredTimer[] };

/** A spoken timer name as stored: lower case, without "the"/"my" in front or "timer" after. */
export function timerName(said: unknown): string | null {
  if (typeof said !== "string") return null;
  const words = said.toLowerCase().replace(/[^\p{L}\p{N}' ]/gu, " ").split(/\s+/).filter(Boolean);
  while (words.length && ["the", "my", "our", "a", "an", "this", "that"].includes(words[0]!)) words.shift();
  while (words.length && ["timer", "timers"].includes(words.at(-1)!)) words.pop();
  return words.length ? words.join(" ") : null;
}

/** "the pasta timer", "the 10 minute timer", "the timer to turn off the lights". */
export function timerLabel(timer: StoredTimer): string {
  if (timer.name) return `${timer.name} timer`;
  if (timer.command) return `timer to ${timer.command}`;
  return `${durationAdjective(timer.durationMs)} timer`;
}

/** The timers `slots` (`name`, `area`, `start_hours`/`start_minutes`/`start_seconds`) point at, from `timers`. */
export function selectTimer(timers: StoredTimer[], slots: Record<string, unknown>, origin: CommandOrigin): TimerSelection {
  const name = timerName(slots.name);
  const start = durationFromSlots(slots, "start_");
  let found = timers;
  if (name) found = found.filter((t) => t.name === name);
  const area = typeof slots.area === "string" ? slots.area : undefined;
  if (area) found = found.filter((t) => t.origin.area?.toLowerCase() === area.toLowerCase());
  if (start !== undefined) found = found.filter((t) => t.durationMs === start);
  const asked = name ? `${name} timer` : start !== undefined ? `${durationAdjective(start)} timer` : area ? `timer in the ${area}` : undefined;
  if (found.length === 0) return { kind: "none", ...(asked ? { asked } : {}) };
  if (found.length === 1) return { kind: "one", timer: found[0]! };
  // Several: the ones set from this microphone (or this typed source), as HA prefers the device's own timers.
  const own = found.filter((t) => t.origin.source !== undefined && t.origin.source === origin.source && t.origin.kind === origin.kind);
  if (own.length === 1) return { kind: "one", timer: own[0]! };
  return { kind: "ambiguous", timers: found };
}
