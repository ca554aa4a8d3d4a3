/**
 * Free-text search of the visual memory: a typed or spoken query ("the cat in
 * the garden yesterday evening", "was anyone at the front door today") is read
 * by the same sentences as the questions (HassVision*, with HassVisionSearch
 * for bare descriptions) and turned into the store's label, place and time
 * filters. Words outside the sentences are not guessed at: the query is
 * refused with a message saying what the search understands.
 */
import type { RecognizedIntent } from "../intent/recognizer.ts";
import type { Coverage } from "../vision/coverage.ts";
import { labelsFor } from "../vision/labels.ts";
import { isVisionIntent } from "../vision/questions.ts";
import type { EventFilter } from "./store.ts";
import { timeSpan } from "./time-span.ts";

/** What a query was read as: the filter and its parts in words ("cat · Garden · yesterday"). */
export interface TextQuery {
  filter: EventFilter;
  words: string;
}

/** Anything that recognises text (the intent recognizer). */
export interface TextRecognizer {
  recognize(text: string): RecognizedIntent | null;
}

/** Said when the query cannot be read. */
export const QUERY_HELP = 'Try a label, a place and a time, e.g. "the cat in the garden yesterday" or "people at the front door today".';

/**
 * The filter of `text` at `nowMs`, or an error message.
 */
export function readTextQuery(text: string, recognizer: TextRecognizer, coverage: Coverage, nowMs: number, timeZone?: string): TextQuery | { error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { error: QUERY_HELP };
  const recognized = [trimmed, `show me ${trimmed}`].map((t) => recognizer.recognize(t)).find((r) => r && isVisionIntent(r.intent));
  if (!recognized) return { error: `"${trimmed}": not understood. ${QUERY_HELP}` };
  const slots = recognized.slots;
  const filter: EventFilter = {};
  const words: string[] = [];
  if (slots.label !== undefined) {
    filter.label = labelsFor(String(slots.label), coverage.labels());
    words.push(String(slots.label));
  }
  if (slots.zone !== undefined) {
    filter.zone = String(slots.zone);
    words.push(filter.zone);
  } else if (slots.area !== undefined) {
    filter.area = String(slots.area);
    words.push(filter.area);
  }
  if (slots.span !== undefined || slots.unit !== undefined) {
    const span = timeSpan(slots, nowMs, timeZone);
    filter.from_ms = span.from_ms;
    filter.to_ms = span.to_ms;
    words.push(span.words);
  }
  return { filter, words: words.join(" · ") || "everything" };
}
