/**
 * The intent sentences as a word network: a nondeterministic finite automaton
 * (Thompson construction) over spoken words, built from the same template
 * trees as the JSGF grammar (grammar.ts) and the word matcher. Grammar-
 * constrained decoders walk it one word at a time: {@link WordNetwork.start}
 * and {@link WordNetwork.next} return deterministic states (sets of NFA nodes,
 * built lazily and memoised, the subset construction), so two hypotheses with
 * the same words always land in the same state.
 *
 * Wildcard lists have no finite set of words; sentences that use one are left
 * out, exactly as in the JSGF grammar.
 */
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import type { TemplateNode } from "../../agent/intent/template.ts";
import { spokenListValues, usesWildcard } from "./grammar.ts";
import { spokenWords } from "./spoken-words.ts";

/** A deterministic state: the words that may follow and whether a sentence may end here. */
export interface NetworkState {
  readonly id: number;
  /** True when the words so far form a whole sentence. */
  readonly final: boolean;
  /** Words that may come next (spoken form, lower case). */
  readonly words: readonly string[];
}

interface NfaNode {
  epsilon: number[];
  words: [string, number][];
}

/** Expansion rules nested deeper than this are cut (a rule that refers to itself). */
const MAX_RULE_DEPTH = 8;

export class WordNetwork {
  private readonly nodes: NfaNode[] = [];
  private readonly finalNode: number;
  private readonly startNode: number;
  private readonly states = new Map<string, NetworkState & { members: number[] }>();
  private readonly transitions = new Map<number, Map<string, NetworkState>>();
  private readonly byId: (NetworkState & { members: number[] })[] = [];
  /** Sentences left out, as `intent: "template" (reason)` (the same wording as the JSGF grammar's). */
  readonly skipped: string[] = [];

  /**
   * @throws Error naming the intents file when no sentence can be expressed.
   */
  constructor(intents: CustomIntents) {
    this.startNode = this.node();
    this.finalNode = this.node();
    let sentences = 0;
    for (const intent of intents.intents) {
      for (const sentence of intent.sentences) {
        if (usesWildcard(sentence.tree, intents)) {
          this.skipped.push(`${intent.name}: "${sentence.template}" (wildcard slot)`);
          continue;
        }
        const from = this.node();
        const to = this.build(sentence.tree, from, intents, 0);
        if (to === null) {
          this.skipped.push(`${intent.name}: "${sentence.template}" (cannot be expanded)`);
          continue;
        }
        this.nodes[this.startNode]!.epsilon.push(from);
        this.nodes[to]!.epsilon.push(this.finalNode);
        sentences++;
      }
    }
    if (!sentences) throw new Error(`${intents.file}: no sentence can be turned into a word network`);
  }

  /** The state before the first word. */
  start(): NetworkState {
    return this.state([this.startNode]);
  }

  /** The state after `word` in `state`, or null when the word cannot follow. */
  next(state: NetworkState, word: string): NetworkState | null {
    let cache = this.transitions.get(state.id);
    if (!cache) this.transitions.set(state.id, (cache = new Map()));
    if (cache.has(word)) return cache.get(word)!;
    const targets: number[] = [];
    for (const member of this.byId[state.id]!.members) {
      for (const [w, to] of this.nodes[member]!.words) if (w === word) targets.push(to);
    }
    const next = targets.length ? this.state(targets) : null;
    if (next) cache.set(word, next);
    return next;
  }

  /** True when `words` is a whole sentence of the network. */
  accepts(words: readonly string[]): boolean {
    let state: NetworkState | null = this.start();
    for (const word of words) {
      state = this.next(state, word);
      if (!state) return false;
    }
    return state.final;
  }

  private node(): number {
    this.nodes.push({ epsilon: [], words: [] });
    return this.nodes.length - 1;
  }

  /** Add `tree` after node `from`; returns its end node, or null when it cannot be expressed (wildcard). */
  private build(tree: TemplateNode, from: number, intents: CustomIntents, depth: number): number | null {
    switch (tree.type) {
      case "word":
        return this.chain(from, spokenWords(tree.text));
      case "sequence": {
        let at: number | null = from;
        for (const item of tree.items) {
          at = this.build(item, at, intents, depth);
          if (at === null) return null;
        }
        return at;
      }
      case "alternative": {
        const end = this.node();
        let any = false;
        for (const option of tree.options) {
          // Each option from its own node, linked only when it can be expressed: a failed one leaves no dead end.
          const start = this.node();
          const to = this.build(option, start, intents, depth);
          if (to === null) continue;
          this.nodes[from]!.epsilon.push(start);
          this.nodes[to]!.epsilon.push(end);
          any = true;
        }
        if (tree.optional) this.nodes[from]!.epsilon.push(end);
        return any || tree.optional ? end : null;
      }
      case "list": {
        const values = spokenListValues(intents.lists[tree.list]!);
        if (!values) return null;
        const end = this.node();
        for (const value of values) this.nodes[this.chain(from, value.words)]!.epsilon.push(end);
        return end;
      }
      case "rule": {
        const rule = intents.rules[tree.name];
        if (!rule || depth >= MAX_RULE_DEPTH) return null;
        return this.build(rule, from, intents, depth + 1);
      }
    }
  }

  /** A chain of word edges from `from`; returns its last node. */
  private chain(from: number, words: string[]): number {
    let at = from;
    for (const word of words) {
      const to = this.node();
      this.nodes[at]!.words.push([word, to]);
      at = to;
    }
    return at;
  }

  /** The deterministic state of the epsilon closure of `seeds` (memoised by its members). */
  private state(seeds: number[]): NetworkState {
    const members = new Set<number>();
    const stack = [...seeds];
    while (stack.length) {
      const n = stack.pop()!;
      if (members.has(n)) continue;
      members.add(n);
      stack.push(...this.nodes[n]!.epsilon);
    }
    const sorted = [...members].sort((a, b) => a - b);
    const key = sorted.join(",");
    const known = this.states.get(key);
    if (known) return known;
    const words = new Set<string>();
    for (const n of sorted) for (const [w] of this.nodes[n]!.words) words.add(w);
    const state = { id: this.byId.length, final: members.has(this.finalNode), words: [...words].sort(), members: sorted };
    this.states.set(key, state);
    this.byId.push(state);
    return state;
  }
}
