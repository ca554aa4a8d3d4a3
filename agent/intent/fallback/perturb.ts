/**
 * Held-apart calibration text: expansions of the templates drawn with real
 * slot values (expand.ts), then changed the way real requests differ from
 * templates, each with the truth the fallback should find:
 * - kept meaning: a typo in one word, one or two unknown words put in
 *   (an assistant's name, a filler), a word dropped, two neighbours swapped;
 * - no meaning hearth knows (truth: nothing): every slot value replaced by
 *   unknown words ("turn on the brilo": a thing the home lacks), every word
 *   but the slot values replaced ("stuxam the kitchen light": an action hearth
 *   does not know), unknown words around a few of the templates' own words,
 *   or only the function words of a sentence ("turn off the", "set the to"):
 *   what is left when the object of a request is a word hearth lacks, or a
 *   slot value put into a sentence that has no slot for it.
 * The fallback's reading of each is scored right or wrong, and the
 * calibration (calibration.ts) is fitted on those outcomes.
 */
import type { Expansion } from "./expand.ts";

export type PerturbationKind = "clean" | "typo" | "extra" | "drop" | "swap" | "unknown_slots" | "unknown_verb" | "unrelated" | "fragment" | "stray_value";

/** A calibration text and what it means: the expansion's label and slots, or null for nothing hearth can do. */
export interface PerturbedText {
  kind: PerturbationKind;
  tokens: string[];
  truth: Expansion | null;
}

/** Template words for perturbations: `common` (said by several intents' sentences, mixed into unrelated text) and `function` (said by most: safe to drop). */
export interface PerturbationWords {
  common: readonly string[];
  function: ReadonlySet<string>;
  /** Slot values as said (a colour, a number, an area), put where no slot wants them. */
  values: readonly (readonly string[])[];
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

function typo(word: string, random: () => number): string {
  const i = Math.floor(random() * word.length);
  const r = random();
  if (r < 0.3 && word.length > 4) return word.slice(0, i) + word.slice(i + 1);
  if (r < 0.6 && i < word.length - 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  return word.slice(0, i) + LETTERS[Math.floor(random() * LETTERS.length)] + word.slice(i + 1);
}

/** Indices of tokens outside every slot. */
function structural(e: Expansion): number[] {
  const inSlot = new Set(e.slots.flatMap((s) => Array.from({ length: s.end - s.start }, (_, k) => s.start + k)));
  return e.tokens.map((_, i) => i).filter((i) => !inSlot.has(i));
}

/**
 * One perturbation of `e` of the given kind; undefined when the expansion
 * does not allow it (no word long enough for a typo, no slot to replace).
 */
export function perturb(e: Expansion, kind: PerturbationKind, random: () => number, pseudoWord: () => string, words: PerturbationWords): PerturbedText | undefined {
  const commonWords = words.common;
  const tokens = [...e.tokens];
  const free = structural(e);
  switch (kind) {
    case "clean":
      return { kind, tokens, truth: e };
    case "typo": {
      const long = tokens.map((t, i) => (t.length >= 5 && !/\d/.test(t) ? i : -1)).filter((i) => i >= 0);
      if (!long.length) return undefined;
      const i = long[Math.floor(random() * long.length)]!;
      tokens[i] = typo(tokens[i]!, random);
      return { kind, tokens, truth: e };
    }
    case "extra": {
      // Inserting shifts the slots; the truth is compared by slot values, not positions.
      const n = 1 + Math.floor(random() * 2);
      for (let k = 0; k < n; k++) tokens.splice(random() < 0.5 ? 0 : Math.floor(random() * (tokens.length + 1)), 0, pseudoWord());
      return { kind, tokens, truth: e };
    }
    case "drop": {
      // Only function words: dropping "off" or "lights" changes what is meant.
      const droppable = free.filter((i) => words.function.has(tokens[i]!));
      if (free.length < 3 || !droppable.length) return undefined;
      tokens.splice(droppable[Math.floor(random() * droppable.length)]!, 1);
      return { kind, tokens, truth: e };
    }
    case "swap": {
      const pairs = free.filter((i) => free.includes(i + 1));
      if (!pairs.length) return undefined;
      const i = pairs[Math.floor(random() * pairs.length)]!;
      [tokens[i], tokens[i + 1]] = [tokens[i + 1]!, tokens[i]!];
      return { kind, tokens, truth: e };
    }
    case "unknown_slots": {
      const open = e.slots.filter((s) => ["name", "area", "floor"].includes(s.list));
      if (!open.length) return undefined;
      const out: string[] = [];
      for (let i = 0; i < tokens.length; ) {
        const s = open.find((x) => x.start === i);
        if (s) {
          out.push(pseudoWord(), ...(random() < 0.4 ? [pseudoWord()] : []));
          i = s.end;
        } else out.push(tokens[i++]!);
      }
      return { kind, tokens: out, truth: null };
    }
    case "unknown_verb": {
      if (!e.slots.length || free.length === 0) return undefined;
      for (const i of free) tokens[i] = random() < 0.3 ? (commonWords[Math.floor(random() * commonWords.length)] ?? pseudoWord()) : pseudoWord();
      return { kind, tokens, truth: null };
    }
    case "fragment": {
      const kept = free.map((i) => tokens[i]!).filter((t) => words.function.has(t));
      if (kept.length === 0 || kept.length === tokens.length) return undefined;
      return { kind, tokens: kept, truth: null };
    }
    case "stray_value": {
      // A value the sentence has no slot for ("turn off the kitchen light blue"): part of the request is not understood.
      const value = words.values[Math.floor(random() * words.values.length)];
      if (!value || e.slots.some((s) => s.list !== "name")) return undefined;
      tokens.splice(Math.floor(random() * (tokens.length + 1)), 0, ...value);
      return { kind, tokens, truth: null };
    }
    case "unrelated": {
      const out: string[] = [];
      const n = 2 + Math.floor(random() * 6);
      for (let k = 0; k < n; k++) out.push(random() < 0.45 ? (commonWords[Math.floor(random() * commonWords.length)] ?? pseudoWord()) : pseudoWord());
      return { kind, tokens: out, truth: null };
    }
  }
}
