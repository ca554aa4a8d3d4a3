/**
 * Random expansions of a sentence set (agent/intent/sentence-set.ts): walks
 * of the template trees that pick one option of every alternative, keep or
 * drop every optional part, follow expansion rules and fill every `{list}`.
 * They are the fallback recognizer's training and calibration text: hearth
 * learns the shape of its commands from its own templates, never from a test
 * set.
 *
 * Slot values are either kept as spoken words or replaced by a placeholder
 * token (see `placeholderOf`): entity, area and floor names and numbers are
 * open-ended, so the classifier is trained on "turn on {name}" and the text
 * to classify has its recognised names replaced the same way (delexicalised,
 * lexicon.ts), which makes the classifier independent of the registry.
 */
import type { CustomIntent, CustomIntents, RequiresContext, SlotList } from "../custom-intents.ts";
import { phraseTokens } from "../normalize.ts";
import type { TemplateNode } from "../template.ts";

/** Lists whose values are open-ended: replaced by a placeholder token in the classifier's text. */
export const OPEN_LISTS: ReadonlySet<string> = new Set(["name", "area", "floor"]);
/** Values lists with more values than this are replaced by a placeholder too (colours, cover classes). */
const MAX_LITERAL_VALUES = 8;
/** Placeholder of every number (a range list): digits do not say whether they are a brightness or a temperature. */
export const NUMBER_PLACEHOLDER = "{#}";
/** Placeholder of a wildcard list (any words). */
export const WILDCARD_PLACEHOLDER = "{*}";

/**
 * The placeholder token standing for a value of list `name` in the
 * classifier's text, or undefined when its words stay as they are.
 * Braces never survive text normalisation, so no typed word can collide.
 */
export function placeholderOf(name: string, list: SlotList | undefined): string | undefined {
  if (!list) return undefined;
  if ("range" in list) return NUMBER_PLACEHOLDER;
  if ("wildcard" in list) return WILDCARD_PLACEHOLDER;
  if (OPEN_LISTS.has(name) || list.values.length > MAX_LITERAL_VALUES) return `{${name}}`;
  return undefined;
}

/** Words the training text says literally, per sentence set: the templates' own words and the values of lists kept as words. */
const literalWordsOf = new WeakMap<CustomIntents, ReadonlySet<string>>();

/**
 * The words `set`'s training text says literally: every word of its
 * templates and expansion rules, and the values of the lists whose values
 * stay words (placeholderOf is undefined for them).
 */
export function literalWords(set: CustomIntents): ReadonlySet<string> {
  let words = literalWordsOf.get(set);
  if (words) return words;
  const out = new Set<string>();
  const walk = (node: TemplateNode): void => {
    if (node.type === "word") for (const t of phraseTokens(node.text)) out.add(t);
    else if (node.type === "sequence") node.items.forEach(walk);
    else if (node.type === "alternative") node.options.forEach(walk);
  };
  for (const intent of set.intents) for (const sentence of intent.sentences) walk(sentence.tree);
  for (const rule of Object.values(set.rules)) walk(rule);
  for (const [name, list] of Object.entries(set.lists)) {
    if (!("values" in list) || placeholderOf(name, list) !== undefined) continue;
    for (const v of list.values) for (const t of phraseTokens(typeof v === "string" ? v : v.in)) out.add(t);
  }
  literalWordsOf.set(set, (words = out));
  return words;
}

/**
 * The placeholder of one value of list `name`, said as `tokens`: that of its
 * list (placeholderOf), except for a value of a closed list that is said only
 * in words the templates say themselves ("off" of the water heater modes,
 * "light" of the detected objects). Such a value stays words, in training
 * and in the text to classify alike: a placeholder would erase the word
 * "off" from every "turn off …" and read it as a water heater mode.
 */
export function valuePlaceholder(name: string, list: SlotList | undefined, tokens: readonly string[], literal: ReadonlySet<string>): string | undefined {
  const placeholder = placeholderOf(name, list);
  if (placeholder === undefined || !list || !("values" in list) || OPEN_LISTS.has(name)) return placeholder;
  return tokens.length > 0 && tokens.every((t) => literal.has(t)) ? undefined : placeholder;
}

/** One data block of an intent: the classifier's label. Sentences with the same intent and conditions share one. */
export interface Label {
  key: string;
  intent: string;
  fixedSlots: Record<string, string | number | boolean>;
  requiresContext: RequiresContext;
  excludesContext: Record<string, string | string[]>;
}

/** A slot filled in an expansion: tokens [start, end) of the expansion hold it. */
export interface ExpansionSlot {
  slot: string;
  list: string;
  start: number;
  end: number;
  value: string | number | boolean;
  context?: Record<string, string>;
}

/** One expansion: its label, its tokens (normalised as user text is) and the slots it fills. */
export interface Expansion {
  label: Label;
  tokens: string[];
  slots: ExpansionSlot[];
}

/**
 * How list values are chosen: `placeholders` writes the placeholder token for
 * open lists (training text); otherwise a real value is drawn (calibration
 * text). `pseudoWord` supplies words for wildcard lists.
 */
export interface ExpandOptions {
  placeholders: boolean;
  random: () => number;
  pseudoWord: () => string;
}

/** Data blocks by identity: the sentences of one block share its `slots` object (custom-intents.ts). */
const blockIds = new WeakMap<object, number>();
let nextBlockId = 0;

/**
 * The label of one sentence of `intent`: its data block. Two blocks with the
 * same conditions stay apart ("the kitchen lights" and "the lights
 * everywhere" fill different slots), so the block is part of the key.
 */
export function labelOf(intent: CustomIntent, sentence: CustomIntent["sentences"][number]): Label {
  const fixedSlots: Label["fixedSlots"] = {};
  for (const [k, v] of Object.entries(sentence.fixedSlots)) if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") fixedSlots[k] = v;
  let block = blockIds.get(sentence.fixedSlots);
  if (block === undefined) blockIds.set(sentence.fixedSlots, (block = nextBlockId++));
  const key = JSON.stringify([intent.name, block, fixedSlots, sentence.requiresContext, sentence.excludesContext]);
  return { key, intent: intent.name, fixedSlots, requiresContext: sentence.requiresContext, excludesContext: sentence.excludesContext };
}

/** Whether a list value's context meets a sentence's conditions (hassil's requires/excludes_context). */
export function contextAllowed(context: Record<string, string> | undefined, label: Pick<Label, "requiresContext" | "excludesContext" | "fixedSlots">): boolean {
  if (!context) return true;
  for (const [key, required] of Object.entries(label.requiresContext)) {
    if (typeof required === "object" && !Array.isArray(required)) continue;
    const allowed = Array.isArray(required) ? required : [required];
    if (!allowed.includes(context[key] ?? "")) return false;
  }
  for (const [key, excluded] of Object.entries(label.excludesContext)) {
    if ((Array.isArray(excluded) ? excluded : [excluded]).includes(context[key] ?? "")) return false;
  }
  for (const key of ["domain", "device_class"]) {
    const fixed = label.fixedSlots[key];
    if (fixed !== undefined && context[key] !== undefined && context[key] !== String(fixed)) return false;
  }
  return true;
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/**
 * Draw one expansion of `sentence`; undefined when a list it needs has no
 * value (an empty registry list, or no entity meeting its conditions).
 */
export function expandSentence(set: CustomIntents, intent: CustomIntent, sentence: CustomIntent["sentences"][number], options: ExpandOptions): Expansion | undefined {
  const label = labelOf(intent, sentence);
  const tokens: string[] = [];
  const slots: ExpansionSlot[] = [];
  let failed = false;
  const walk = (node: TemplateNode, depth: number): void => {
    if (failed) return;
    if (depth > 64) throw new Error(`${set.file}: template expansion too deep in "${sentence.template}" (recursive expansion rule?)`);
    switch (node.type) {
      case "word":
        tokens.push(...phraseTokens(node.text));
        return;
      case "sequence":
        for (const item of node.items) walk(item, depth + 1);
        return;
      case "alternative":
        if (node.optional && options.random() < 0.5) return;
        walk(pick(node.options, options.random), depth + 1);
        return;
      case "rule": {
        const rule = set.rules[node.name];
        if (rule) walk(rule, depth + 1);
        return;
      }
      case "list": {
        const list = set.lists[node.list];
        if (!list) {
          failed = true;
          return;
        }
        const start = tokens.length;
        const placeholder = placeholderOf(node.list, list);
        if ("range" in list) {
          const { from, to, step } = list.range;
          const n = from + step * Math.floor(options.random() * (Math.floor((to - from) / step) + 1));
          tokens.push(options.placeholders ? NUMBER_PLACEHOLDER : String(n));
          slots.push({ slot: node.slot, list: node.list, start, end: tokens.length, value: n });
          return;
        }
        if ("wildcard" in list) {
          const words = options.placeholders ? [WILDCARD_PLACEHOLDER] : [options.pseudoWord()];
          tokens.push(...words);
          slots.push({ slot: node.slot, list: node.list, start, end: tokens.length, value: words.join(" ") });
          return;
        }
        if (placeholder && options.placeholders && OPEN_LISTS.has(node.list)) {
          // Training text: the placeholder stands for any value, so an empty registry list trains the same model.
          tokens.push(placeholder);
          slots.push({ slot: node.slot, list: node.list, start, end: tokens.length, value: placeholder });
          return;
        }
        const values = list.values
          .map((v) => (typeof v === "string" ? { in: v, out: v as string | number | boolean } : v))
          .filter((v) => contextAllowed("context" in v ? v.context : undefined, label));
        if (values.length === 0) {
          failed = true;
          return;
        }
        const value = pick(values, options.random);
        const words = phraseTokens(value.in);
        if (words.length === 0) {
          failed = true;
          return;
        }
        if (placeholder && options.placeholders && valuePlaceholder(node.list, list, words, literalWords(set)) !== undefined) {
          // A closed list's value in training text: its placeholder, unless the value is said in template words (valuePlaceholder).
          tokens.push(placeholder);
          slots.push({ slot: node.slot, list: node.list, start, end: tokens.length, value: placeholder });
          return;
        }
        tokens.push(...words);
        slots.push({ slot: node.slot, list: node.list, start, end: tokens.length, value: value.out, ...("context" in value && value.context ? { context: value.context } : {}) });
        return;
      }
    }
  };
  walk(sentence.tree, 0);
  if (failed || tokens.length === 0) return undefined;
  return { label, tokens, slots };
}

/**
 * About `perLabel` expansions of every label (data block) of `set`, shared
 * out over its sentences (at least two each; fewer where a sentence has fewer
 * distinct expansions: duplicates are dropped). `skipIntents` are left out
 * (HassNevermind: a reply, not a command).
 */
export function sampleExpansions(set: CustomIntents, perLabel: number, options: ExpandOptions, skipIntents: ReadonlySet<string> = new Set()): Expansion[] {
  const out: Expansion[] = [];
  // The budget is per label (data block), shared by its sentences: a block of forty templates is not forty times as likely.
  const sentencesOf = new Map<string, number>();
  for (const intent of set.intents) for (const sentence of intent.sentences) {
    const key = labelOf(intent, sentence).key;
    sentencesOf.set(key, (sentencesOf.get(key) ?? 0) + 1);
  }
  for (const intent of set.intents) {
    if (skipIntents.has(intent.name)) continue;
    for (const sentence of intent.sentences) {
      const perSentence = Math.max(2, Math.ceil(perLabel / sentencesOf.get(labelOf(intent, sentence).key)!));
      const seen = new Set<string>();
      // Twice the draws: small templates run out of distinct expansions and stop early.
      for (let draw = 0; draw < perSentence * 2 && seen.size < perSentence; draw++) {
        const expansion = expandSentence(set, intent, sentence, options);
        if (!expansion) break;
        const key = expansion.tokens.join(" ");
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(expansion);
      }
    }
  }
  return out;
}
