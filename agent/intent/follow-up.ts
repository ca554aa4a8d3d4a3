/**
 * Understanding the user's reply in a follow-up turn: "yes"/"no" to a
 * confirmation ("Are you sure you want to unlock Front Door?"), and which
 * candidate was meant after a clarifying question ("Which one: Lamp in
 * Bedroom or Lamp in Office?" — "the bedroom one", "Office", "the second").
 */
import type { Entity } from "../../devices/entity.ts";
import type { CustomIntents } from "./custom-intents.ts";
import { parseTemplate } from "./template.ts";
import { entityLabels } from "../resolve/resolver.ts";
import { normalizeUtterance, phraseTokens } from "./normalize.ts";

const YES = ["yes", "yeah", "yep", "yup", "sure", "ok", "okay", "confirm", "confirmed", "do it", "go ahead", "of course", "correct", "affirmative", "please do"];
const NO = ["no", "nope", "nah", "cancel", "stop", "don't", "do not", "never mind", "nevermind", "forget it", "abort", "negative", "not now"];

function startsWithPhrase(words: string[], phrases: string[]): boolean {
  return phrases.some((p) => {
    const ph = phraseTokens(p);
    return ph.every((w, i) => words[i] === w);
  });
}

/**
 * The answer to a yes/no question: true, false, or undefined when the reply
 * is neither (the caller asks again or gives up). "please" alone counts as yes.
 */
export function answerYesNo(text: string): boolean | undefined {
  // normalizeUtterance drops "please" (and a leading "ok"), so read the plain tokens too.
  const raw = phraseTokens(text);
  const words = normalizeUtterance(text).map((t) => t.text);
  if (startsWithPhrase(raw, NO) || startsWithPhrase(words, NO)) return false;
  if (startsWithPhrase(raw, YES) || startsWithPhrase(words, YES) || (raw.length === 1 && raw[0] === "please")) return true;
  return undefined;
}

const ORDINALS: Record<string, number> = { first: 0, "1": 0, "1st": 0, second: 1, "2": 1, "2nd": 1, third: 2, "3": 2, "3rd": 2, fourth: 3, "4": 3, "4th": 3, last: -1 };

/**
 * The candidate a reply names: by its label as read out ("Lamp in Bedroom"),
 * its area ("the bedroom one"), its name when names differ, or its position
 * ("the second one", "the last"). Undefined when the reply fits none or
 * several.
 */
export function chooseCandidate(text: string, candidates: Entity[]): Entity | undefined {
  const words = normalizeUtterance(text).map((t) => t.text);
  const said = ` ${words.join(" ")} `;
  const contains = (phrase: string) => said.includes(` ${phraseTokens(phrase).join(" ")} `);
  const labels = entityLabels(candidates);
  const pick = (hits: Entity[]) => (hits.length === 1 ? hits[0] : undefined);

  const byLabel = pick(candidates.filter((_, i) => contains(labels[i]!)));
  if (byLabel) return byLabel;
  const byArea = pick(candidates.filter((e) => e.area !== undefined && contains(e.area)));
  if (byArea) return byArea;
  const byName = pick(candidates.filter((e) => contains(e.name)));
  if (byName) return byName;
  const byClass = pick(candidates.filter((e) => contains((e.device_class ?? e.domain).replace(/_/g, " "))));
  if (byClass) return byClass;
  for (const word of words) {
    const index = ORDINALS[word];
    if (index !== undefined) return index < 0 ? candidates[candidates.length - 1] : candidates[index];
  }
  return undefined;
}

/** Intent name of the follow-up replies in the speech grammar (the controller reads the reply's text, not this). */
export const REPLY_INTENT = "HearthReply";

/**
 * `sentences` plus the follow-up replies a speech grammar must let through: the yes/no phrases above, a
 * candidate named by name, area or position, and a bare percentage. Only for speech: the text recognizer reads replies as they come.
 */
export function withReplySentences(sentences: CustomIntents): CustomIntents {
  const templates = [...YES, ...NO, "please", "the (first|second|third|fourth|last) [one]"];
  if (sentences.lists.name) templates.push("[the] {name}");
  if (sentences.lists.area) templates.push("[the] {area} [one]", "[the] one in [the] {area}");
  // A bare value ("twenty six percent") answers a question; said with none open it is no command (the speech
  // recognizers drop a command transcript that is also a reply while no question is pending).
  if (sentences.lists.brightness) templates.push("[to] {brightness} percent");
  const reply = {
    name: REPLY_INTENT,
    sentences: templates.map((template) => ({ template, tree: parseTemplate(template), fixedSlots: {}, requiresContext: {}, excludesContext: {} })),
  };
  return { ...sentences, intents: [...sentences.intents, reply] };
}
