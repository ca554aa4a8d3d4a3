/**
 * Grammar-constrained beam search over a sequence-to-sequence decoder: at
 * every step only tokens that keep the transcript inside the word network
 * (the intent sentences) are allowed, so the result is always a sentence the
 * intents understand, scored by the decoder's own log-probabilities.
 *
 * The network is over spoken words ("twelve ounce", "i'd"); the decoder
 * writes cased, punctuated text ("I'd like a 12-ounce latte."). So every word
 * may be spelled lower case, capitalised, or — for a number word — in digits,
 * and one punctuation mark may sit between words and before the end. Each
 * spelling is a token sequence; the spellings of the words that may come next
 * form a token trie, walked one token per step.
 */
import { EOS_TOKEN, tokenize, type EncodedAudio, type MoonshineModel, type SelfAttentionCache } from "./moonshine.ts";
import type { NetworkState, WordNetwork } from "./word-network.ts";

const NUMBER_WORDS = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
  "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
];
// Single words only: "twenty five" may be written "25", which two words spelled one by one cannot reach.
const TENS: Record<string, number> = { thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
/** Marks the decoder may write between words; after a hyphen the next word has no leading space. */
const PUNCTUATION = [",", ".", "?", "!", "-"];
const HYPHEN = "-";

/** A node of a token trie: the tokens that go on from here, and the words whose spelling ends here. */
export interface TrieNode {
  id: number;
  children: Map<number, TrieNode>;
  /** Words whose spelling ends here. */
  words: string[];
}

/** A token's effect: where it leads (null: end of sentence, in state `end`) and the word it completes. */
interface Expansion {
  position: Position | null;
  end?: NetworkState;
  word?: string;
}

/** Where a hypothesis stands: between words (with whether a mark or a hyphen came last), or inside a word's spelling. */
type Position =
  | { kind: "boundary"; state: NetworkState; afterMark: boolean; afterHyphen: boolean }
  | { kind: "word"; state: NetworkState; node: TrieNode };

interface Hypothesis {
  position: Position;
  words: string[];
  logProb: number;
  /** Sum over its tokens of (best token's log-probability − this token's): how far the grammar pulled it off the model's own choice. */
  deficit: number;
  cache: SelfAttentionCache;
}

/** The best sentence found, with how far the grammar pulled the decoder to reach it. */
export interface SearchResult {
  /** Spoken words of the network (lower case). */
  words: string[];
  /** Mean over its tokens of (most probable token's log-probability − the chosen token's), ≥ 0. */
  meanDeficit: number;
  /** log P(EOS) − the best other token's log-probability at the first step: > 0 when the model's own transcript is empty. */
  emptyLogOdds: number;
  /** The length-normalised log-probability the beam ranked it by (comparable between searches of the same audio). */
  score: number;
  /** True when a longer sentence of the network goes on from these words (they may be half an order). */
  continues: boolean;
}

export interface SearchOptions {
  /** Hypotheses kept per step (default 6). */
  beam?: number;
  /** Stop after this many tokens (the recognizer allows 8 per second of audio, plus 8). */
  maxTokens: number;
  /** Where to start: the network's start state for some intents only (default every sentence). */
  start?: NetworkState;
  /** Length normalisation exponent alpha (default 1.5, from bench/speech-intent.ts; 0 ranks by raw log-probability, which stops early and drops trailing words in noise). */
  lengthPenalty?: number;
}

/** The spellings of `word` as token sequences: lower case, capitalised, digits for number words. */
function spellings(word: string, leadingSpace: boolean): number[][] {
  const forms = new Set([word, word[0]!.toUpperCase() + word.slice(1)]);
  const n = NUMBER_WORDS.indexOf(word);
  if (n >= 0) forms.add(String(n));
  if (TENS[word] !== undefined) forms.add(String(TENS[word]));
  return [...forms].map((f) => tokenize(f, leadingSpace));
}

/**
 * Token spellings of words, tokenized once per word and kept across grammar rebuilds (a rename adds its
 * new words only): the tokenizer, not the trie, is what a large home's vocabulary costs.
 */
export class Spellings {
  private readonly byWord = new Map<string, number[][]>();

  /** The token sequences of `word` (with or without a leading space). */
  of(word: string, leadingSpace: boolean): number[][] {
    const key = (leadingSpace ? " " : "") + word;
    let known = this.byWord.get(key);
    if (!known) this.byWord.set(key, (known = spellings(word, leadingSpace)));
    return known;
  }

  /** Tokenize every word of `vocabulary` both ways now, and forget words no longer in it. */
  prepare(vocabulary: readonly string[]): void {
    for (const _ of this.preparing(vocabulary));
  }

  /** {@link prepare}, yielding after every 200 words (a large home's new vocabulary is tokenized in slices). */
  *preparing(vocabulary: readonly string[]): Generator<void> {
    const keep = new Set<string>();
    for (const [i, word] of vocabulary.entries()) {
      for (const leadingSpace of [true, false]) {
        this.of(word, leadingSpace);
        keep.add((leadingSpace ? " " : "") + word);
      }
      if (i % 200 === 199) yield;
    }
    for (const key of this.byWord.keys()) if (!keep.has(key)) this.byWord.delete(key);
  }

  /** Words × spacings held. */
  get size(): number {
    return this.byWord.size;
  }
}

export class GrammarSearch {
  private readonly tries = new Map<string, TrieNode>();
  private readonly markTokens: Map<number, string>;
  private trieNodes = 0;

  /** `spellings`: a cache shared with the searches of earlier grammars (default: one of its own). */
  constructor(
    private readonly model: MoonshineModel,
    private readonly network: WordNetwork,
    private readonly spellings: Spellings = new Spellings(),
  ) {
    this.markTokens = new Map();
    for (const mark of PUNCTUATION) {
      const tokens = tokenize(mark, false);
      if (tokens.length === 1) this.markTokens.set(tokens[0]!, mark);
    }
  }

  /** The best sentence of the network for `encoded`, or null when no sentence ends within `maxTokens`. */
  async search(encoded: EncodedAudio, options: SearchOptions): Promise<SearchResult | null> {
    const beam = options.beam ?? 6;
    const alpha = options.lengthPenalty ?? 1.5;
    /** GNMT length normalisation (Wu et al. 2016): a sentence is ranked by logP / ((5 + length) / 6)^alpha. */
    const normalised = (logProb: number, length: number) => logProb / ((5 + length) / 6) ** alpha;
    const first = await this.model.first(encoded);
    let bestWord = -Infinity;
    first.logProbs.forEach((lp, token) => {
      if (token !== EOS_TOKEN && lp > bestWord) bestWord = lp;
    });
    const emptyLogOdds = first.logProbs[EOS_TOKEN]! - bestWord;
    let active: { hyp: Hypothesis; logProbs: Float32Array }[] = [
      {
        hyp: { position: { kind: "boundary", state: options.start ?? this.network.start(), afterMark: true, afterHyphen: false }, words: [], logProb: 0, deficit: 0, cache: first.cache },
        logProbs: first.logProbs,
      },
    ];
    // Every open hypothesis has `step` tokens at the start of a step (all advance together), so lengths need no bookkeeping.
    let best: { words: string[]; length: number; deficit: number; score: number; continues: boolean } | null = null;
    for (let step = 0; step < options.maxTokens && active.length; step++) {
      const candidates = new Map<string, { parent: Hypothesis; token: number; position: Position | null; end?: NetworkState; words: string[]; logProb: number; deficit: number }>();
      for (const { hyp, logProbs } of active) {
        let top = -Infinity;
        for (const lp of logProbs) if (lp > top) top = lp;
        for (const [token, next] of this.expand(hyp.position)) {
          const logProb = hyp.logProb + logProbs[token]!;
          const words = next.word ? [...hyp.words, next.word] : hyp.words;
          // Paths with the same words to the same place merge (Viterbi): "Latte" and "latte" need not both take beam slots.
          const key = `${words.join(" ")}|${positionKey(next.position)}`;
          const known = candidates.get(key);
          if (!known || known.logProb < logProb) candidates.set(key, { parent: hyp, token, position: next.position, end: next.end, words, logProb, deficit: hyp.deficit + top - logProbs[token]! });
        }
      }
      const ranked = [...candidates.values()].sort((a, b) => b.logProb - a.logProb);
      const survivors: typeof ranked = [];
      for (const c of ranked) {
        if (c.position === null) {
          const score = normalised(c.logProb, step + 1);
          const continues = c.end!.continues;
          if (!best || score > best.score) best = { words: c.words, length: step + 1, deficit: c.deficit, score, continues };
          continue;
        }
        if (survivors.length < beam) survivors.push(c);
      }
      if (!survivors.length) break;
      // Stop once the best open hypothesis, ranked at its present length, falls below the best sentence
      // (the usual beam-search heuristic: with length normalisation no exact bound is tight enough to
      // stop before the token limit, and open hypotheses that trail here almost never recover).
      if (best && normalised(survivors[0]!.logProb, step + 1) <= best.score) break;
      const outputs = await this.model.step(
        encoded,
        survivors.map((s) => s.token),
        survivors.map((s) => s.parent.cache),
      );
      active = survivors.map((s, i) => ({
        hyp: { position: s.position!, words: s.words, logProb: s.logProb, deficit: s.deficit, cache: outputs[i]!.cache },
        logProbs: outputs[i]!.logProbs,
      }));
    }
    if (!best) return null;
    return { words: best.words, meanDeficit: best.deficit / best.length, emptyLogOdds, score: best.score, continues: best.continues };
  }

  /**
   * The tokens allowed after `position`, each with the position it leads to
   * (null for EOS, with the state it ends in) and the word it completes, if any.
   */
  private expand(position: Position): [number, Expansion][] {
    const out: [number, Expansion][] = [];
    if (position.kind === "word") {
      for (const [token, child] of position.node.children) out.push([token, { position: { kind: "word", state: position.state, node: child } }]);
      // A finished spelling: the word is complete and whatever may follow it is allowed.
      for (const word of position.node.words) {
        const next = this.network.next(position.state, word);
        if (!next) continue;
        for (const [token, after] of this.expand({ kind: "boundary", state: next, afterMark: false, afterHyphen: false })) {
          out.push([token, { ...after, word }]);
        }
      }
      return out;
    }
    if (position.state.final) out.push([EOS_TOKEN, { position: null, end: position.state }]);
    if (!position.afterMark) {
      for (const [token, mark] of this.markTokens) {
        out.push([token, { position: { kind: "boundary", state: position.state, afterMark: true, afterHyphen: mark === HYPHEN } }]);
      }
    }
    const trie = this.trie(position.state, !position.afterHyphen);
    for (const [token, child] of trie.children) out.push([token, { position: { kind: "word", state: position.state, node: child } }]);
    return out;
  }

  /**
   * The token trie of the spellings of the words that may follow `state`, memoised per word set: every
   * state with the same next words (each sentence that reaches a list's values) shares one trie.
   */
  trie(state: NetworkState, leadingSpace: boolean): TrieNode {
    const key = `${state.vocabulary}|${leadingSpace}`;
    let root = this.tries.get(key);
    if (root) return root;
    root = { id: this.trieNodes++, children: new Map(), words: [] };
    for (const word of state.words) {
      for (const spelling of this.spellings.of(word, leadingSpace)) {
        let node = root;
        for (const token of spelling) {
          let child = node.children.get(token);
          if (!child) node.children.set(token, (child = { id: this.trieNodes++, children: new Map(), words: [] }));
          node = child;
        }
        if (!node.words.includes(word)) node.words.push(word);
      }
    }
    this.tries.set(key, root);
    return root;
  }
}

function positionKey(position: Position | null): string {
  if (!position) return "end";
  return position.kind === "boundary" ? `b${position.state.id}${position.afterMark ? "m" : ""}${position.afterHyphen ? "h" : ""}` : `w${position.state.id}.${position.node.id}`;
}
