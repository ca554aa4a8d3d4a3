/**
 * Map a decoded word sequence back to intent and slots by matching it against
 * the same template trees the grammar was built from. The decoder only emits
 * word sequences of the grammar, so an exact match always exists; when the
 * templates are ambiguous the first sentence (in file order) that consumes all
 * words wins, and within it the parse that fills the most slots.
 *
 * A slot is filled at most once per sentence, as in the word network: a
 * transcript that names a slot twice ("sixteen ounce twelve ounce mocha")
 * matches nothing and is rejected, never parsed into half an order. Fillers
 * ("please", a leading "could you") are dropped as the text matcher drops
 * them when the words do not match as they stand.
 *
 * Only the speech path needs this small matcher: the text recognizer
 * (agent/intent/) handles free text, punctuation and fuzzy matching.
 */
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import type { TemplateNode } from "../../agent/intent/template.ts";
import { stripFillers, TEXT_FILLERS, type Fillers } from "./fillers.ts";
import { spokenListValues, type SpokenValue } from "./grammar.ts";
import { spokenWords } from "./spoken-words.ts";

/** The intent a decoded word sequence expresses. */
export interface WordMatch {
  intent: string;
  /** Slot values (a list value's `out` when it has one), plus the sentence's fixed slots. */
  slots: Record<string, unknown>;
}

interface Partial {
  pos: number;
  slots: Record<string, unknown>;
}

/** Reusable matcher over one set of intents (list values are pre-tokenised and indexed by their first word). */
export class WordMatcher {
  /** List name → first spoken word → the values that begin with it, longest first. */
  private readonly listValues = new Map<string, Map<string, SpokenValue[]>>();

  constructor(private readonly intents: CustomIntents, private readonly fillers: Fillers = TEXT_FILLERS) {
    for (const [name, list] of Object.entries(intents.lists)) listValues(this.listValues, name, spokenListValues(list));
  }

  /** Match `words` (spoken form, lower case) against every sentence, as said or without fillers; null when none covers them all. */
  match(words: string[]): WordMatch | null {
    const plain = this.matchExactly(words);
    if (plain) return plain;
    const stripped = stripFillers(words, this.fillers);
    return stripped.length && stripped.length < words.length ? this.matchExactly(stripped) : null;
  }

  private matchExactly(words: string[]): WordMatch | null {
    for (const intent of this.intents.intents) {
      for (const sentence of intent.sentences) {
        let best: Partial | null = null;
        for (const end of this.walk(sentence.tree, words, { pos: 0, slots: {} }, new Set())) {
          if (end.pos === words.length && (!best || Object.keys(end.slots).length > Object.keys(best.slots).length)) best = end;
        }
        if (best) return { intent: intent.name, slots: { ...sentence.fixedSlots, ...best.slots } };
      }
    }
    return null;
  }

  /** Every way `node` can consume words from `state.pos` on (depth-first, lazily). */
  private *walk(node: TemplateNode, words: string[], state: Partial, activeRules: Set<string>): Generator<Partial> {
    switch (node.type) {
      case "word": {
        const spoken = spokenWords(node.text);
        if (spoken.every((w, i) => words[state.pos + i] === w)) yield { pos: state.pos + spoken.length, slots: state.slots };
        return;
      }
      case "list": {
        if (node.slot in state.slots) return; // a slot is filled once per sentence
        // Only the values that begin with the next word: a home's names are not scanned per slot.
        for (const v of this.listValues.get(node.list)?.get(words[state.pos]!) ?? []) {
          if (v.words.every((w, i) => words[state.pos + i] === w)) {
            yield { pos: state.pos + v.words.length, slots: { ...state.slots, [node.slot]: v.value } };
          }
        }
        return;
      }
      case "rule": {
        const rule = this.intents.rules[node.name];
        // A rule that (indirectly) contains itself would recurse forever.
        if (!rule || activeRules.has(node.name)) return;
        yield* this.walk(rule, words, state, new Set([...activeRules, node.name]));
        return;
      }
      case "alternative": {
        for (const option of node.options) yield* this.walk(option, words, state, activeRules);
        if (node.optional) yield state;
        return;
      }
      case "sequence": {
        const step = function* (this: WordMatcher, i: number, s: Partial): Generator<Partial> {
          if (i === node.items.length) {
            yield s;
            return;
          }
          for (const next of this.walk(node.items[i]!, words, s, activeRules)) yield* step.call(this, i + 1, next);
        };
        yield* step.call(this, 0, state);
        return;
      }
    }
  }
}

function listValues(into: Map<string, Map<string, SpokenValue[]>>, name: string, values: SpokenValue[] | null): void {
  if (!values) return;
  const byFirst = new Map<string, SpokenValue[]>();
  // Longer values first, so "a little bit of milk" is tried before "milk" would stop short.
  for (const v of [...values].sort((a, b) => b.words.length - a.words.length)) {
    const bucket = byFirst.get(v.words[0]!);
    if (bucket) bucket.push(v);
    else byFirst.set(v.words[0]!, [v]);
  }
  into.set(name, byFirst);
}
