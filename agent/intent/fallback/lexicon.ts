/**
 * Fuzzy slot spotting for the fallback recognizer: every place in a text
 * where a value of a slot list is said, exactly or nearly (a typo, a plural,
 * a sound-alike, "bed room" for "bedroom", or one distinctive word of a
 * longer entity name: "the wemo" for "Wemo Plug"), and numbers. The lists are
 * those of the sentence set: the registry's entity names and aliases, areas
 * and floors, and the fixed lists (colours, cover classes, levels, ...).
 *
 * Candidate words are found without comparing against every known word: a
 * deletion index (Wolf Garbe's SymSpell idea: every known word is stored
 * under each of its one-letter deletions, so a typed word within one edit
 * shares a key with it) and a phonetic-key index (fuzzy.ts).
 */
import type { CustomIntents } from "../custom-intents.ts";
import { phraseTokens } from "../normalize.ts";
import { literalWords, NUMBER_PLACEHOLDER, valuePlaceholder } from "./expand.ts";
import { phoneticKey, wordSimilarity } from "./fuzzy.ts";

/** Similarity given to a single distinctive word of a longer entity name. */
const PARTIAL_NAME_SCORE = 0.7;
/** Similarity of words run together or split apart ("bed room" = "bedroom"). */
const JOINED_SCORE = 0.95;
/** Lowest word similarity taken for a match (fuzzy.ts scores). */
const MIN_WORD_SIMILARITY = 0.8;

/** A list value said in the text: tokens [start, end), with how closely (1 exact). */
export interface Span {
  start: number;
  end: number;
  /** The list's name; "#" for a number (any range list). */
  list: string;
  value: string | number | boolean;
  context?: Record<string, string>;
  score: number;
  /** The classifier's token for it, when the list is open-ended (expand.ts); undefined for words kept as they are. */
  placeholder?: string;
  /** Matched by one word of a longer name. */
  partial?: boolean;
}

interface Entry {
  tokens: string[];
  squashed: string;
  list: string;
  value: string | number | boolean;
  context?: Record<string, string>;
  placeholder?: string;
}

const deletions = (word: string): string[] => {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
};

/** The values of a sentence set's lists, indexed for fuzzy spotting. Build once per sentence set (cheap: no training). */
export class Lexicon {
  private readonly byFirst = new Map<string, Entry[]>();
  private readonly bySquashed = new Map<string, Entry[]>();
  private readonly deletionIndex = new Map<string, Set<string>>();
  private readonly phoneticIndex = new Map<string, Set<string>>();
  /** Distinctive name words (in one entity's names only, and no word of the templates) → that name's entry. */
  private readonly partialNames = new Map<string, Entry>();

  /**
   * @param set the sentence set whose values lists to index
   * @param structuralWords words the templates say themselves (never taken for a partial name)
   */
  constructor(set: CustomIntents, structuralWords: ReadonlySet<string>) {
    const wordOwners = new Map<string, Set<string>>();
    const nameEntries = new Map<string, Entry>();
    const literal = literalWords(set);
    for (const [list, def] of Object.entries(set.lists)) {
      if (!("values" in def)) continue;
      for (const v of def.values) {
        const spoken = typeof v === "string" ? v : v.in;
        const tokens = phraseTokens(spoken);
        if (tokens.length === 0) continue;
        const placeholder = valuePlaceholder(list, def, tokens, literal);
        const entry: Entry = { tokens, squashed: tokens.join(""), list, value: typeof v === "string" ? v : v.out, placeholder, ...(typeof v !== "string" && v.context ? { context: v.context } : {}) };
        push(this.byFirst, tokens[0]!, entry);
        push(this.bySquashed, entry.squashed, entry);
        for (const t of tokens) this.indexWord(t);
        if (list === "name") {
          for (const t of tokens) {
            const owners = wordOwners.get(t) ?? new Set<string>();
            owners.add(String(entry.value));
            wordOwners.set(t, owners);
            if (!nameEntries.has(`${t}\u0000${entry.value}`)) nameEntries.set(`${t}\u0000${entry.value}`, entry);
          }
        }
      }
    }
    for (const [word, owners] of wordOwners) {
      if (owners.size !== 1 || word.length < 4 || structuralWords.has(word) || /^\d/.test(word)) continue;
      const entry = nameEntries.get(`${word}\u0000${[...owners][0]}`)!;
      if (entry.tokens.length > 1) this.partialNames.set(word, entry);
    }
  }

  private indexWord(word: string): void {
    for (const d of deletions(word)) addTo(this.deletionIndex, d, word);
    const key = phoneticKey(word);
    if (key.length >= 2) addTo(this.phoneticIndex, key, word);
  }

  /** Known words alike `typed`, with their similarity (fuzzy.ts). */
  private similarWords(typed: string): Map<string, number> {
    const found = new Map<string, number>();
    const consider = (known: string) => {
      if (found.has(known)) return;
      const s = wordSimilarity(typed, known);
      if (s >= MIN_WORD_SIMILARITY) found.set(known, s);
    };
    consider(typed);
    if (typed.length > 4 && typed.endsWith("s")) consider(typed.slice(0, -1));
    consider(typed + "s");
    for (const d of deletions(typed)) for (const known of this.deletionIndex.get(d) ?? []) consider(known);
    const key = phoneticKey(typed);
    if (key.length >= 2) for (const known of this.phoneticIndex.get(key) ?? []) consider(known);
    return found;
  }

  /** Every span of `tokens` (normalised words) that says a list value or a number. Overlapping spans are all returned. */
  find(tokens: readonly string[]): Span[] {
    const spans: Span[] = [];
    const similar = tokens.map((t) => this.similarWords(t));
    const add = (start: number, end: number, entry: Entry, score: number, partial = false) =>
      spans.push({ start, end, list: entry.list, value: entry.value, score, ...(entry.context ? { context: entry.context } : {}), ...(entry.placeholder ? { placeholder: entry.placeholder } : {}), ...(partial ? { partial } : {}) });
    for (let i = 0; i < tokens.length; i++) {
      if (/^-?\d+(\.\d+)?$/.test(tokens[i]!)) spans.push({ start: i, end: i + 1, list: "#", value: Number(tokens[i]), score: 1, placeholder: NUMBER_PLACEHOLDER });
      for (const [first, s0] of similar[i]!) {
        for (const entry of this.byFirst.get(first) ?? []) {
          let total = s0;
          let ok = true;
          for (let k = 1; k < entry.tokens.length && ok; k++) {
            const s = similar[i + k]?.get(entry.tokens[k]!);
            if (s === undefined) ok = false;
            else total += s;
          }
          if (ok) add(i, i + entry.tokens.length, entry, total / entry.tokens.length);
        }
      }
      // Words run together or split apart: "bed room", "livingroom".
      let joined = tokens[i]!;
      for (let end = i + 1; end <= Math.min(tokens.length, i + 3); end++) {
        if (end > i + 1) joined += tokens[end - 1]!;
        for (const entry of this.bySquashed.get(joined) ?? []) if (entry.tokens.length !== end - i) add(i, end, entry, JOINED_SCORE);
      }
      const partial = this.partialNames.get(tokens[i]!);
      if (partial) add(i, i + 1, partial, PARTIAL_NAME_SCORE, true);
    }
    return dedupe(spans);
  }
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const bucket = map.get(key);
  if (bucket) bucket.push(value);
  else map.set(key, [value]);
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const bucket = map.get(key);
  if (bucket) bucket.add(value);
  else map.set(key, new Set([value]));
}

/** One span per place and value: the best-scoring. */
function dedupe(spans: Span[]): Span[] {
  const best = new Map<string, Span>();
  for (const s of spans) {
    const key = `${s.start}:${s.end}:${s.list}:${String(s.value)}`;
    const prior = best.get(key);
    if (!prior || s.score > prior.score) best.set(key, s);
  }
  return [...best.values()];
}

/**
 * Non-overlapping spans (of those given) that cover the most words (each weighted by
 * its score), chosen by dynamic programming; `prefer` breaks near-ties
 * between an entity name and an area + kind reading ("kitchen light").
 */
export function segment(spans: readonly Span[], length: number, prefer: "name" | "place"): Span[] {
  const weight = (s: Span) => (s.end - s.start) * s.score + (s.list === "name" ? (prefer === "name" ? 0.05 : -0.3 * (s.end - s.start)) : 0);
  const best: { total: number; chosen: Span[] }[] = new Array(length + 1);
  best[length] = { total: 0, chosen: [] };
  for (let i = length - 1; i >= 0; i--) {
    let top = best[i + 1]!;
    for (const s of spans) {
      if (s.start !== i) continue;
      const total = weight(s) + best[s.end]!.total;
      if (total > top.total) top = { total, chosen: [s, ...best[s.end]!.chosen] };
    }
    best[i] = top;
  }
  return best[0]!.chosen;
}
