/**
 * Answers to questions about the past (HassVisionLastSeen, HassVisionWasThere,
 * HassVisionDuration, HassVisionVisits in agent/intent/sentences/en/HassVisionHistory.yaml)
 * from the visual memory's events, with times said the way people say them
 * ("at 2:15 pm, 4 minutes ago", "yesterday at 9:05 am", "for about 25 minutes").
 * The place and label slots are read as for the live questions (live-answers.ts);
 * the span slots (`span`, or `amount` + `unit`) bound the search (time-span.ts).
 */
import type { SlotValue } from "../intent/matcher.ts";
import { spokenAgo, spokenDuration, spokenWhen } from "../intent/spoken-time.ts";
import type { Coverage } from "../vision/coverage.ts";
import { askedNoun, countedNoun, countWord, labelsFor, listCounts, pluralNoun } from "../vision/labels.ts";
import { askedPlace, countLabels, uncovered, type AskContext, type AskedPlace } from "../vision/live-answers.ts";
import { atPlace, toPlace } from "../vision/place-words.ts";
import type { EventFilter, MemoryEvent, MemoryStore } from "./store.ts";
import { timeSpan, type TimeSpan } from "./time-span.ts";

export interface HistoryAnswerOptions {
  now?: () => number;
  /** IANA zone of the home (config `location.time_zone`). */
  timeZone?: string;
}

/** How many events a history answer reads at most (newest first). */
const MAX_EVENTS = 2000;
/** Below this age a time also gets "…, 4 minutes ago". */
const SAY_AGO_BELOW_MS = 12 * 3_600_000;

interface Asked {
  value: string;
  labels: string[];
  where: AskedPlace;
  span?: TimeSpan;
  filter: EventFilter;
}

export class HistoryAnswers {
  private readonly now: () => number;

  constructor(private readonly coverage: Coverage, private readonly store: MemoryStore, private readonly options: HistoryAnswerOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Labels, place and span of a question as a store filter; a sentence instead when it cannot be answered. */
  private ask(slots: Record<string, SlotValue>, context: AskContext, fallbackLabel: string): Asked | string {
    // A history question about "here" without a place means the whole home: the microphone's room is no filter for the past.
    const where = askedPlace(this.coverage, slots, slots.zone === undefined && slots.area === undefined ? {} : context);
    if (where.kind === "uncovered") return uncovered(where.name);
    const value = String(slots.label ?? fallbackLabel);
    const labels = labelsFor(value, this.coverage.labels());
    const filter: EventFilter = { label: labels, limit: MAX_EVENTS };
    if (where.kind === "place") filter[where.place.kind === "area" ? "area" : "zone"] = where.place.name;
    let span: TimeSpan | undefined;
    if (slots.span !== undefined || slots.unit !== undefined) {
      span = timeSpan(slots, this.now(), this.options.timeZone);
      filter.from_ms = span.from_ms;
      filter.to_ms = span.to_ms;
    }
    return { value, labels, where, span, filter };
  }

  private when(tMs: number): string {
    const now = this.now();
    const when = spokenWhen(tMs, now, this.options.timeZone);
    return now - tMs < SAY_AGO_BELOW_MS ? `${when}, ${spokenAgo(tMs, now)}` : when;
  }

  private at(asked: Asked, event?: MemoryEvent): string {
    if (asked.where.kind === "place") return atPlace(asked.where.place.name);
    return event ? atPlace(event.area || event.camera) : "";
  }

  /** "when did you last see the cat", "when did someone last leave" (`edge: end`), "… last come" (`edge: start`). */
  lastSeen(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const asked = this.ask(slots, context, "person");
    if (typeof asked === "string") return asked;
    const events = this.store.search(asked.filter);
    const subject = asked.value === "person" ? "someone" : `the ${asked.labels.length === 1 ? asked.labels[0] : asked.value}`;
    const span = asked.span ? ` ${asked.span.words}` : "";
    if (!events.length) return `I haven't seen ${asked.value === "person" ? "anyone" : askedNoun(asked.value)}${asked.where.kind === "place" ? ` ${this.at(asked)}` : ""}${span}.`;
    if (slots.edge === "start") {
      const e = events[0]!;
      return `${capitalise(subject)} last came ${asked.where.kind === "place" ? toPlace(asked.where.place.name) : this.at(asked, e)} ${this.when(e.start_ms)}.`;
    }
    const ongoing = events.find((e) => e.end_ms === null);
    if (ongoing) return `${capitalise(subject === "someone" ? "someone" : `the ${ongoing.label}`)} is ${this.at(asked, ongoing)} now, since ${this.when(ongoing.start_ms)}.`;
    const last = events.reduce((a, b) => ((b.end_ms ?? 0) > (a.end_ms ?? 0) ? b : a));
    if (slots.edge === "end") return `${capitalise(subject)} last left ${asked.where.kind === "place" ? this.at(asked).replace(/^(in|at) /, "") : this.at(asked, last).replace(/^(in|at) /, "")} ${this.when(last.end_ms!)}.`;
    return `I last saw ${subject === "someone" ? "someone" : `the ${last.label}`} ${this.at(asked, last)} ${this.when(last.end_ms!)}.`;
  }

  /** "was anyone in the garage today". */
  wasThere(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const asked = this.ask(slots, context, "person");
    if (typeof asked === "string") return asked;
    const events = this.store.search(asked.filter);
    const span = asked.span ? ` ${asked.span.words}` : "";
    const at = asked.where.kind === "place" ? ` ${this.at(asked)}` : "";
    if (!events.length) return `No, I didn't see ${asked.value === "person" ? "anyone" : askedNoun(asked.value)}${at}${span}.`;
    const first = events.at(-1)!;
    const last = events[0]!;
    const noun = countedNoun(first.label, 1);
    if (events.length === 1) return `Yes, ${noun} was ${this.at(asked, first)}${span}, ${this.when(first.start_ms)}${first.end_ms === null ? ", and is still there" : ""}.`;
    return `Yes, ${countWord(events.length)} times${at}${span}; the last one ${this.when(last.start_ms)}.`;
  }

  /** "how long was the dog in the garden this morning": the time covered by the events (overlaps counted once), clipped to the span. */
  duration(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const asked = this.ask(slots, context, "person");
    if (typeof asked === "string") return asked;
    const events = this.store.search(asked.filter);
    const span = asked.span ? ` ${asked.span.words}` : "";
    const subject = asked.value === "person" ? "someone" : `the ${asked.labels.length === 1 ? asked.labels[0] : asked.value}`;
    const at = this.at(asked, events[0]);
    if (!events.length) return `I didn't see ${asked.value === "person" ? "anyone" : askedNoun(asked.value)}${at ? ` ${at}` : ""}${span}.`;
    const now = this.now();
    const from = asked.span?.from_ms ?? -Infinity, to = asked.span?.to_ms ?? now;
    const intervals = events.map((e) => [Math.max(e.start_ms, from), Math.min(e.end_ms ?? now, to)] as [number, number]).filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of intervals) {
      const top = merged.at(-1);
      if (top && a <= top[1]) top[1] = Math.max(top[1], b);
      else merged.push([a, b]);
    }
    const total = merged.reduce((sum, [a, b]) => sum + (b - a), 0);
    const still = events.some((e) => e.end_ms === null) ? ", and is still there" : "";
    const was = asked.value === "person" ? "Someone was" : `${capitalise(subject)} was`;
    if (merged.length <= 1) {
      const [a, b] = merged[0] ?? [events[0]!.start_ms, events[0]!.end_ms ?? now];
      return `${was} ${at} for ${spokenDuration(b - a)}${span}, from ${spokenWhen(a, now, this.options.timeZone).replace(/^at /, "")} to ${spokenWhen(b, now, this.options.timeZone).replace(/^at /, "")}${still}.`;
    }
    return `${was} ${at} for ${spokenDuration(total)} in all${span}, in ${countWord(merged.length)} visits${still}.`;
  }

  /** "how many people came to the front door yesterday": the number of events (each track a visit). */
  visits(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const asked = this.ask(slots, context, "person");
    if (typeof asked === "string") return asked;
    const events = this.store.search(asked.filter);
    const span = asked.span ? ` ${asked.span.words}` : "";
    const place = asked.where.kind === "place" ? asked.where.place.name : undefined;
    if (asked.value === "person") {
      const to = place ? ` ${toPlace(place)}` : "";
      if (!events.length) return `Nobody came${to}${span}.`;
      const n = events.length === 1 ? "One person" : `${capitalise(countWord(events.length))} people`;
      return `${n} came${to}${span}, the last ${this.when(events[0]!.start_ms)}.`;
    }
    const at = place ? ` ${atPlace(place)}` : "";
    if (!events.length) return `I didn't see ${askedNoun(asked.value)}${at}${span}.`;
    const label = asked.labels.length === 1 ? asked.labels[0]! : asked.value;
    return `I saw ${events.length === 1 ? countedNoun(label, 1) : `${pluralNoun(label)} ${countWord(events.length)} times`}${at}${span}, the last ${this.when(events[0]!.start_ms)}.`;
  }

  /** "show me the cat in the garden yesterday": what the memory holds, by label. */
  search(slots: Record<string, SlotValue>, context: AskContext = {}): string {
    const asked = this.ask(slots, context, "anything");
    if (typeof asked === "string") return asked;
    const events = this.store.search(asked.filter);
    const span = asked.span ? ` ${asked.span.words}` : "";
    const at = asked.where.kind === "place" ? ` ${atPlace(asked.where.place.name)}` : "";
    if (!events.length) return `I didn't see ${askedNoun(asked.value)}${at}${span}.`;
    const n = events.length === 1 ? "one event" : `${countWord(events.length)} events`;
    return `I have ${n}${at}${span}: ${listCounts(countLabels(events))}, the last ${this.when(events[0]!.start_ms)}.`;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
