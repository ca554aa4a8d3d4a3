/**
 * The intent sentences as a word network: a nondeterministic finite automaton
 * (Thompson construction) over spoken words, built from the same template
 * trees as the JSGF grammar (grammar.ts) and the word matcher. Grammar-
 * constrained decoders walk it one word at a time: {@link WordNetwork.start}
 * and {@link WordNetwork.next} return deterministic states (sets of NFA nodes,
 * built lazily and memoised, the subset construction), so two hypotheses with
 * the same words always land in the same state.
 *
 * A slot is filled at most once per sentence ("twelve ounce twelve ounce
 * coffee" is no order): entering a list's values is an epsilon edge that
 * marks its slot, and every NFA node is paired with the set of slots its path
 * has filled (a bit mask, per sentence), so the subset construction runs over
 * (node, filled slots) pairs.
 *
 * Fillers (fillers.ts): one of the text matcher's "anywhere" words ("please")
 * may stand anywhere in a sentence, once; its leading phrases ("could you")
 * may open one.
 *
 * Slot lists are shared: each list is one sub-network (a trie of its spoken
 * values, built once per network), and a slot occurrence is a call into it
 * that remembers where to return. So a home's names cost their own size once,
 * not once per sentence that says {name}, and the network grows linearly with
 * the home. Lists hold plain words only, so one return node per NFA member is
 * all the call stack there is (a recursive transition network one level deep).
 *
 * Wildcard lists have no finite set of words; sentences that use one are left
 * out, exactly as in the JSGF grammar.
 */
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import type { TemplateNode } from "../../agent/intent/template.ts";
import { TEXT_FILLERS, type Fillers } from "./fillers.ts";
import { spokenListValues, usesWildcard } from "./grammar.ts";
import { spokenWords } from "./spoken-words.ts";

/** A deterministic state: the words that may follow and whether a sentence may end here. */
export interface NetworkState {
  readonly id: number;
  /** True when the words so far form a whole sentence. */
  readonly final: boolean;
  /** Words that may come next (spoken form, lower case), fillers included. */
  readonly words: readonly string[];
  /** States with the same `words` share this id (and the array): what a decoder may memoise per word set. */
  readonly vocabulary: number;
  /** True when a longer sentence goes on from here with a word that is not a filler (the words so far may be half an order). */
  readonly continues: boolean;
}

interface NfaNode {
  epsilon: number[];
  words: [string, number][];
  /** `words` indexed by word, built at the first lookup of a node with many edges (a list's first words). */
  index?: Map<string, number[]>;
  /** Entering this node fills the slot with this bit (per sentence); a path that filled it already cannot enter. */
  slotBit: number;
  /** A slot occurrence: go on at this list's root, and return to `returnTo` after a value. */
  call?: number;
  returnTo?: number;
  /** The end of a list's sub-network: a path goes on at the node its call returns to. */
  exit?: true;
}

/**
 * A place in the NFA: node, slots filled on the way (bit mask), whether the sentence's one filler word was
 * said, and inside a list's sub-network the node to return to after the value (-1 outside one).
 */
interface Member {
  node: number;
  filled: number;
  fillerSaid: boolean;
  ret: number;
}

type InternalState = NetworkState & { members: Member[] };

/** Expansion rules nested deeper than this are cut (a rule that refers to itself). */
const MAX_RULE_DEPTH = 8;
/** Distinct slots one sentence may fill (bits of a 32-bit mask). */
const MAX_SLOTS_PER_SENTENCE = 31;
/** Nodes with more word edges than this are looked up through an index (a linear scan of a home's names per step is what made large homes slow). */
const INDEX_EDGES = 8;

/** Marks a construction {@link WordNetwork.create} drives itself (module-private). */
const DEFERRED = Symbol("deferred");

export interface WordNetworkOptions {
  /** Filler words admitted besides the sentences' own (default: the text matcher's, fillers.ts). */
  fillers?: Fillers;
}

export class WordNetwork {
  private readonly nodes: NfaNode[] = [];
  private finalNode = -1;
  /** Each sentence's first node, with its intent. */
  private readonly entries: { intent: string; node: number }[] = [];
  /** List name → its sub-network (root and exit nodes), null for a wildcard list; built at its first occurrence. */
  private readonly lists = new Map<string, { root: number; exit: number } | null>();
  private readonly starts = new Map<string, InternalState>();
  private readonly states = new Map<string, InternalState>();
  private readonly vocabularies = new Map<string, { id: number; words: readonly string[] }>();
  private readonly transitions = new Map<number, Map<string, NetworkState>>();
  private readonly byId: InternalState[] = [];
  private readonly fillers: Fillers;
  /** Slot name → bit, for the sentence being built. */
  private slotBits = new Map<string, number>();
  private sentenceText = "";
  /** Template token → spoken words, during the build (the same rule words recur in hundreds of sentences). */
  private spoken = new Map<string, string[]>();
  /** Every word on an edge (spoken form). */
  private readonly edgeWords = new Set<string>();
  /** Rule name → whether it reaches a wildcard list, during the build. */
  private wildcardRules = new Map<string, boolean>();
  /** Sentences left out, as `intent: "template" (reason)` (the same wording as the JSGF grammar's). */
  readonly skipped: string[] = [];
  /** Intent names, in file order. */
  intents: readonly string[] = [];

  /**
   * Build the network of every sentence of `intents` at once (see {@link WordNetwork.create} for a build that
   * lets other work run).
   * @throws Error naming the intents file when no sentence can be expressed, or a sentence with more than 31 slots.
   */
  constructor(intents: CustomIntents, options: WordNetworkOptions = {}) {
    this.fillers = options.fillers ?? TEXT_FILLERS;
    if (!(options as { [DEFERRED]?: true })[DEFERRED]) for (const _ of this.construct(intents));
  }

  /**
   * Build the network giving the event loop back every `sliceMs` of work (default 10), so that
   * recognitions and MQTT traffic go on while a large home's grammar is rebuilt.
   * @throws Error as the constructor.
   */
  static async create(intents: CustomIntents, options: WordNetworkOptions & { sliceMs?: number } = {}): Promise<WordNetwork> {
    const network = new WordNetwork(intents, { ...options, [DEFERRED]: true } as WordNetworkOptions);
    const sliceMs = options.sliceMs ?? 10;
    let sliceStart = performance.now();
    for (const _ of network.construct(intents)) {
      if (performance.now() - sliceStart < sliceMs) continue;
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    return network;
  }

  /** NFA nodes built (sentences, list sub-networks and start states): the network's size. */
  get size(): number {
    return this.nodes.length;
  }

  /** Build every sentence, yielding after each one (the unit of work {@link WordNetwork.create} slices). */
  private *construct(intents: CustomIntents): Generator<void> {
    this.finalNode = this.node();
    for (const intent of intents.intents) {
      for (const sentence of intent.sentences) {
        if (this.usesWildcard(sentence.tree, intents)) {
          this.skipped.push(`${intent.name}: "${sentence.template}" (wildcard slot)`);
          continue;
        }
        this.slotBits = new Map();
        this.sentenceText = `${intents.file}: ${intent.name}: "${sentence.template}"`;
        const from = this.node();
        const to = this.build(sentence.tree, from, intents, 0);
        if (to === null) {
          this.skipped.push(`${intent.name}: "${sentence.template}" (cannot be expanded)`);
          continue;
        }
        this.entries.push({ intent: intent.name, node: from });
        this.nodes[to]!.epsilon.push(this.finalNode);
        yield;
      }
    }
    if (!this.entries.length) throw new Error(`${intents.file}: no sentence can be turned into a word network`);
    this.intents = [...new Set(this.entries.map((e) => e.intent))];
    this.spoken = new Map();
    this.wildcardRules = new Map();
  }

  /** grammar.ts usesWildcard, with each rule's answer kept for the rest of the build. */
  private usesWildcard(node: TemplateNode, intents: CustomIntents): boolean {
    switch (node.type) {
      case "word":
        return false;
      case "list":
        return "wildcard" in (intents.lists[node.list] ?? {});
      case "rule": {
        const known = this.wildcardRules.get(node.name);
        if (known !== undefined) return known;
        this.wildcardRules.set(node.name, false); // a rule that refers to itself adds nothing
        const rule = intents.rules[node.name];
        const uses = rule ? usesWildcard(rule, intents) : false;
        this.wildcardRules.set(node.name, uses);
        return uses;
      }
      case "sequence":
        return node.items.some((n) => this.usesWildcard(n, intents));
      case "alternative":
        return node.options.some((n) => this.usesWildcard(n, intents));
    }
  }

  /**
   * The state before the first word: of every sentence, or only of the sentences of `intents`
   * (a decoder searching one family of intents at a time, or leaving out the follow-up replies).
   * @throws Error when `intents` names no intent of the network.
   */
  start(intents?: ReadonlySet<string>): NetworkState {
    const key = intents ? [...intents].sort().join("\n") : "";
    const known = this.starts.get(key);
    if (known) return known;
    const entries = this.entries.filter((e) => !intents || intents.has(e.intent));
    if (!entries.length) throw new Error(`word network: no sentence of the intents ${[...intents!].join(", ")}`);
    // A start node of its own, with the leading fillers looping back to it ("hey could you …").
    const start = this.node();
    for (const e of entries) this.nodes[start]!.epsilon.push(e.node);
    for (const phrase of this.fillers.leading) if (phrase.length) this.nodes[this.chain(start, [...phrase])]!.epsilon.push(start);
    const state = this.state([{ node: start, filled: 0, fillerSaid: false, ret: -1 }]);
    this.starts.set(key, state);
    return state;
  }

  /** The state after `word` in `state`, or null when the word cannot follow. */
  next(state: NetworkState, word: string): NetworkState | null {
    let cache = this.transitions.get(state.id);
    if (!cache) this.transitions.set(state.id, (cache = new Map()));
    if (cache.has(word)) return cache.get(word)!;
    const targets: Member[] = [];
    for (const member of this.byId[state.id]!.members) {
      for (const to of this.edges(member.node, word)) targets.push({ node: to, filled: member.filled, fillerSaid: member.fillerSaid, ret: member.ret });
      // The sentence's one filler: the words stay where they were.
      if (!member.fillerSaid && this.fillers.anywhere.has(word)) targets.push({ ...member, fillerSaid: true });
    }
    const next = targets.length ? this.state(targets) : null;
    if (next) cache.set(word, next);
    return next;
  }

  /** True when `words` is a whole sentence of the network. */
  accepts(words: readonly string[], intents?: ReadonlySet<string>): boolean {
    let state: NetworkState | null = this.start(intents);
    for (const word of words) {
      state = this.next(state, word);
      if (!state) return false;
    }
    return state.final;
  }

  /** Every word of the network (spoken form), fillers included, sorted: what a decoder may prepare spellings for. */
  vocabulary(): string[] {
    const words = new Set<string>([...this.edgeWords, ...this.fillers.anywhere]);
    for (const phrase of this.fillers.leading) for (const w of phrase) words.add(w);
    return [...words].sort();
  }

  private node(slotBit = 0): number {
    this.nodes.push({ epsilon: [], words: [], slotBit });
    return this.nodes.length - 1;
  }

  /** The nodes a `word` edge leads to from `node`. */
  private edges(node: number, word: string): readonly number[] {
    const n = this.nodes[node]!;
    if (n.words.length <= INDEX_EDGES) {
      const out: number[] = [];
      for (const [w, to] of n.words) if (w === word) out.push(to);
      return out;
    }
    if (!n.index) {
      n.index = new Map();
      for (const [w, to] of n.words) {
        const list = n.index.get(w);
        if (list) list.push(to);
        else n.index.set(w, [to]);
      }
    }
    return n.index.get(word) ?? [];
  }

  /** The bit of `slot` in the sentence being built. */
  private slotBit(slot: string): number {
    let bit = this.slotBits.get(slot);
    if (bit === undefined) {
      if (this.slotBits.size >= MAX_SLOTS_PER_SENTENCE) throw new Error(`${this.sentenceText}: more than ${MAX_SLOTS_PER_SENTENCE} slots in one sentence`);
      this.slotBits.set(slot, (bit = 1 << this.slotBits.size));
    }
    return bit;
  }

  /** Add `tree` after node `from`; returns its end node, or null when it cannot be expressed (wildcard). */
  private build(tree: TemplateNode, from: number, intents: CustomIntents, depth: number): number | null {
    switch (tree.type) {
      case "word": {
        let words = this.spoken.get(tree.text);
        if (!words) this.spoken.set(tree.text, (words = spokenWords(tree.text)));
        return this.chain(from, words);
      }
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
        const sub = this.listNetwork(tree.list, intents);
        if (!sub) return null;
        // The call marks the slot filled and enters the list's one shared sub-network; its value returns to `end`.
        const end = this.node();
        const call = this.node(this.slotBit(tree.slot));
        this.nodes[call]!.call = sub.root;
        this.nodes[call]!.returnTo = end;
        this.nodes[from]!.epsilon.push(call);
        return end;
      }
      case "rule": {
        const rule = intents.rules[tree.name];
        if (!rule || depth >= MAX_RULE_DEPTH) return null;
        return this.build(rule, from, intents, depth + 1);
      }
    }
  }

  /**
   * The sub-network of list `name`, built at its first occurrence: a trie of its values' spoken words (values
   * that begin alike share their first nodes), every value's last node linked to the exit. Null for a wildcard.
   */
  private listNetwork(name: string, intents: CustomIntents): { root: number; exit: number } | null {
    const known = this.lists.get(name);
    if (known !== undefined) return known;
    const list = intents.lists[name];
    const values = list ? spokenListValues(list) : null;
    if (!values) {
      this.lists.set(name, null);
      return null;
    }
    const root = this.node();
    const exit = this.node();
    this.nodes[exit]!.exit = true;
    const children = new Map<number, Map<string, number>>();
    const linked = new Set<number>();
    for (const value of values) {
      let at = root;
      for (const word of value.words) {
        let next = children.get(at)?.get(word);
        if (next === undefined) {
          next = this.node();
          this.nodes[at]!.words.push([word, next]);
          this.edgeWords.add(word);
          if (!children.has(at)) children.set(at, new Map());
          children.get(at)!.set(word, next);
        }
        at = next;
      }
      if (!linked.has(at)) {
        linked.add(at);
        this.nodes[at]!.epsilon.push(exit);
      }
    }
    const sub = { root, exit };
    this.lists.set(name, sub);
    return sub;
  }

  /** A chain of word edges from `from`; returns its last node. */
  private chain(from: number, words: string[]): number {
    let at = from;
    for (const word of words) {
      const to = this.node();
      this.nodes[at]!.words.push([word, to]);
      this.edgeWords.add(word);
      at = to;
    }
    return at;
  }

  /** The deterministic state of the epsilon closure of `seeds` (memoised by its members). */
  private state(seeds: Member[]): InternalState {
    const members = new Map<string, Member>();
    const stack = [...seeds];
    while (stack.length) {
      const m = stack.pop()!;
      const key = `${m.node}:${m.filled}:${m.fillerSaid ? 1 : 0}:${m.ret}`;
      if (members.has(key)) continue;
      members.set(key, m);
      const node = this.nodes[m.node]!;
      if (node.call !== undefined) stack.push({ node: node.call, filled: m.filled, fillerSaid: m.fillerSaid, ret: node.returnTo! });
      if (node.exit && m.ret >= 0) stack.push({ node: m.ret, filled: m.filled, fillerSaid: m.fillerSaid, ret: -1 });
      for (const to of node.epsilon) {
        const bit = this.nodes[to]!.slotBit;
        if (bit & m.filled) continue; // this slot is filled already on this path
        stack.push({ node: to, filled: m.filled | bit, fillerSaid: m.fillerSaid, ret: m.ret });
      }
    }
    const keys = [...members.keys()].sort();
    const key = keys.join(",");
    const known = this.states.get(key);
    if (known) return known;
    const list = keys.map((k) => members.get(k)!);
    const words = new Set<string>();
    let continues = false;
    let fillersOpen = false;
    // Many members share a node (one per sentence that calls a list): read each node's edges once.
    const seen = new Set<number>();
    for (const m of list) {
      if (!m.fillerSaid) fillersOpen = true;
      if (seen.has(m.node)) continue;
      seen.add(m.node);
      for (const [w] of this.nodes[m.node]!.words) {
        words.add(w);
        if (!this.fillers.anywhere.has(w)) continues = true;
      }
    }
    if (fillersOpen) for (const w of this.fillers.anywhere) words.add(w);
    const sorted = [...words].sort();
    const vocabularyKey = sorted.join("\n");
    let vocabulary = this.vocabularies.get(vocabularyKey);
    if (!vocabulary) this.vocabularies.set(vocabularyKey, (vocabulary = { id: this.vocabularies.size, words: sorted }));
    const state: InternalState = {
      id: this.byId.length, final: list.some((m) => m.node === this.finalNode), words: vocabulary.words, vocabulary: vocabulary.id, continues, members: list,
    };
    this.states.set(key, state);
    this.byId.push(state);
    return state;
  }
}
