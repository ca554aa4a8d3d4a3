/**
 * Speech to intent with Moonshine tiny decoding only the intent sentences
 * (grammar-constrained beam search, grammar-search.ts), the neural
 * counterpart of the PocketSphinx grammar recognizer and the default: a
 * transformer trained on large, varied speech holds up in kitchen noise far
 * better than PocketSphinx's 2010s HMM acoustic model (bench/speech-intent.ts).
 *
 * Rejection compares the command with what the decoder would have written
 * unconstrained, token by token: at each step of the decoded sentence, the
 * log-probability of the token the grammar chose is set against the most
 * probable token of the whole vocabulary (a per-token likelihood ratio against
 * the free decoder, the neural counterpart of PocketSphinx's phone loop). A
 * real command is mostly what the model wanted to write anyway (mean deficit
 * near 0); unrelated speech has to be dragged onto the grammar at almost every
 * token. On the bench this separates better than scoring a separate free
 * transcript, and costs nothing extra: the distributions are already there.
 * Noise that passes the VAD is caught one step earlier: when the decoder's
 * most probable first token is end-of-transcript, nothing was said.
 *
 * Intent families: intents that have nothing to do with each other (the home
 * commands, a coffee maker's orders, the follow-up replies) are searched one
 * family at a time, each with a beam of its own, and the best-scoring family's
 * sentence wins; one beam over everything lets the first words of an
 * unrelated family crowd the right one out before its distinctive words come.
 * The score margin to the runner-up family is reported (`familyMargin`).
 * Per utterance the caller may allow only some intents (the replies only
 * while a question is pending).
 *
 * Grammar changes (the registry's names): {@link MoonshineGrammarRecognizer.prepareIntents}
 * builds the new network in slices that give the event loop back, and swaps it
 * in once it is whole; each recognition decodes with the grammar it started
 * with, so one never waits for a rebuild nor sees half of one.
 */
import { logger } from "../../agent/log.ts";
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import { freeTranscript } from "./free-transcript.ts";
import { GrammarSearch, Spellings } from "./grammar-search.ts";
import { MoonshineModel, type MoonshineOptions } from "./moonshine.ts";
import { WordMatcher } from "./match-words.ts";
import { ASR_SAMPLE_RATE, type RecognitionResult, type SpeechRecognizer } from "./recognizer.ts";
import { trimSilence } from "./trim-silence.ts";
import { WordNetwork, type NetworkState } from "./word-network.ts";

const log = logger("models/asr/moonshine");

export interface MoonshineRecognizerOptions extends MoonshineOptions {
  /** Reject when the mean per-token deficit of the command against the decoder's own best token exceeds this (natural log). Default 1.2, set from bench/speech-intent.ts. */
  maxDeficit?: number;
  /** Run the rejection test (default true). */
  rejection?: boolean;
  /**
   * When the grammar decode is rejected as out of grammar (not as noise or silence), also decode the
   * utterance unconstrained and return that transcript with the rejection (default true), for the
   * text fallback recognizer.
   */
  freeTranscript?: boolean;
  /** Hypotheses kept per decoding step (default 6). */
  beam?: number;
  /** Intent names per family, searched separately (default: one family of every intent); intents in none form a family of their own. */
  families?: readonly (readonly string[])[];
  /**
   * Margin kept around the speech when trimming silence by energy, in ms; null (default) disables it.
   * Utterances from the endpointer are already bounded by the VAD, and in loud noise the energy trim
   * cuts into speech; trim only whole recordings with long silences (Moonshine writes nothing for them).
   */
  trimMarginMs?: number | null;
}

/** Decoder tokens allowed per second of audio (Moonshine's own limit is 6; spelled-out numbers need more). */
const TOKENS_PER_SECOND = 8;
/** Moonshine's encoder needs this much audio, in samples (0.1 s). */
const MIN_SAMPLES = ASR_SAMPLE_RATE / 10;
/** Width of the confidence logistic, in log-probability per token. */
const CONFIDENCE_SCALE = 0.25;
/** Default rejection threshold (mean deficit per token); bench: understood orders ≤ 0.61 clean and ≤ 1.19 at 6 dB SNR, unrelated speech ≥ 1.58. */
const DEFAULT_MAX_DEFICIT = 1.2;

/** Everything one grammar decodes with, swapped as a whole when the intents change. */
interface DecodingGrammar {
  network: WordNetwork;
  search: GrammarSearch;
  matcher: WordMatcher;
  familySets: ReadonlySet<string>[];
  /** Each family's start state (prepared with the grammar, so the first recognition does not build them). */
  starts: NetworkState[];
}

export class MoonshineGrammarRecognizer implements SpeechRecognizer {
  private grammar!: DecodingGrammar;
  /** Token spellings of the grammar's words, kept across rebuilds. */
  private readonly spellings = new Spellings();
  /** Bumped by every setIntents/prepareIntents call: a slower, older build never replaces a newer one. */
  private generation = 0;

  private constructor(
    private readonly model: MoonshineModel,
    private readonly options: Required<Omit<MoonshineRecognizerOptions, keyof MoonshineOptions | "families">>,
    private families: readonly (readonly string[])[] | undefined,
  ) {}

  /**
   * Load the model and build the word network of `intents`.
   * @throws ModelIntegrityError when a model file is missing or corrupt; Error when no sentence can be decoded.
   */
  static async create(intents: CustomIntents, options: MoonshineRecognizerOptions = {}): Promise<MoonshineGrammarRecognizer> {
    const network = new WordNetwork(intents);
    const model = await MoonshineModel.load(options);
    const recognizer = new MoonshineGrammarRecognizer(model, {
      maxDeficit: options.maxDeficit ?? DEFAULT_MAX_DEFICIT,
      rejection: options.rejection ?? true,
      freeTranscript: options.freeTranscript ?? true,
      beam: options.beam ?? 6,
      trimMarginMs: options.trimMarginMs ?? null,
    }, options.families);
    recognizer.grammar = recognizer.decodingGrammar(network, intents, options.families);
    return recognizer;
  }

  /**
   * (Re)build the word network from `intents` now, in one piece (the registry or the intents changed), with
   * new `families` when given. Services use {@link prepareIntents}, which lets recognitions go on meanwhile.
   * @throws Error when no sentence can be decoded.
   */
  setIntents(intents: CustomIntents, families?: readonly (readonly string[])[]): void {
    this.generation++;
    this.grammar = this.decodingGrammar(new WordNetwork(intents), intents, families ?? this.families);
    if (families) this.families = families;
  }

  /**
   * Build the word network of `intents` off the recognition path: in slices of `sliceMs` (default 10) that
   * give the event loop back, with the start states, the token spellings and the start states' token tries
   * prepared, then swap it in. Recognitions meanwhile, and any already under way, use the previous grammar.
   * Resolves true once the new grammar is in use, false when a later call superseded this one.
   * @throws Error when no sentence can be decoded (the previous grammar stays in use).
   */
  async prepareIntents(intents: CustomIntents, families?: readonly (readonly string[])[], options: { sliceMs?: number } = {}): Promise<boolean> {
    const generation = ++this.generation;
    const network = await WordNetwork.create(intents, { sliceMs: options.sliceMs ?? 10 });
    if (generation !== this.generation) return false;
    const steps = this.grammarSteps(network, intents, families ?? this.families);
    let grammar: DecodingGrammar;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (generation !== this.generation) return false;
      const step = steps.next();
      if (step.done) {
        grammar = step.value;
        break;
      }
    }
    this.grammar = grammar;
    if (families) this.families = families;
    return true;
  }

  /** The search, matcher, families and prepared start states of `network`, built at once. */
  private decodingGrammar(network: WordNetwork, intents: CustomIntents, families: readonly (readonly string[])[] | undefined): DecodingGrammar {
    const steps = this.grammarSteps(network, intents, families);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** The pieces of a decoding grammar, yielding between them (so that prepareIntents can give the event loop back). */
  private *grammarSteps(network: WordNetwork, intents: CustomIntents, families: readonly (readonly string[])[] | undefined): Generator<void, DecodingGrammar> {
    // Free text (a wildcard) is beyond a grammar: say so, as the PocketSphinx backend does.
    for (const s of network.skipped) log.warn(`speech grammar leaves out ${s}`);
    yield* this.spellings.preparing(network.vocabulary());
    const search = new GrammarSearch(this.model, network, this.spellings);
    const grouped = new Set((families ?? []).flat());
    const sets = (families ?? [network.intents]).map((f) => f.filter((i) => network.intents.includes(i))).filter((f) => f.length);
    const rest = network.intents.filter((i) => !grouped.has(i));
    const familySets = [...sets, ...(families && rest.length ? [rest] : [])].map((f) => new Set(f));
    const starts: NetworkState[] = [];
    for (const family of familySets) {
      const state = network.start(family);
      starts.push(state);
      yield;
      for (const leadingSpace of [true, false]) search.trie(state, leadingSpace);
      yield;
    }
    const matcher = new WordMatcher(intents);
    log.info({ intents: intents.intents.length, nodes: network.size }, "speech word network set");
    return { network, search, matcher, familySets, starts };
  }

  /**
   * Recognise one utterance. `options.intents`: the intents this utterance may express (default all);
   * families without any of them are not searched.
   * @throws Error when `options.intents` allows no intent of the grammar.
   */
  async recognize(pcm: Int16Array, options: { intents?: ReadonlySet<string> } = {}): Promise<RecognitionResult> {
    const speech = this.options.trimMarginMs === null ? pcm : trimSilence(pcm, { marginMs: this.options.trimMarginMs });
    if (speech.length < MIN_SAMPLES) return { rejected: true, reason: "utterance shorter than 100 ms" };
    const audio = Float32Array.from(speech, (s) => s / 32768);
    const maxTokens = Math.ceil((speech.length / ASR_SAMPLE_RATE) * TOKENS_PER_SECOND) + 8;
    // The grammar this utterance is decoded with, whatever a rebuild swaps in meanwhile.
    const grammar = this.grammar;
    const encoded = await this.model.encode(audio);

    const allowed = options.intents;
    const families = grammar.familySets
      .map((f, i) => ({ family: f, start: grammar.starts[i]!, intents: allowed ? new Set([...f].filter((n) => allowed.has(n))) : f }))
      .filter((f) => f.intents.size);
    if (!families.length) throw new Error(`no intent of the speech grammar is allowed (asked for ${[...allowed!].join(", ")})`);
    const results = [];
    for (const family of families) {
      // A whole family starts from its prepared state; a part of one (the replies left out) from its own.
      const start = family.intents.size === family.family.size ? family.start : grammar.network.start(family.intents);
      const result = await grammar.search.search(encoded, { beam: this.options.beam, maxTokens, start });
      if (result) results.push(result);
    }
    results.sort((a, b) => b.score - a.score);
    const found = results[0];
    const familyMargin = results.length > 1 ? found!.score - results[1]!.score : undefined;
    // Speech the grammar cannot hold (not noise: that is rejected before) may still be a command in other words.
    const outOfGrammar = async (reason: string): Promise<RecognitionResult> => {
      if (!this.options.freeTranscript) return { rejected: true, reason };
      const free = await freeTranscript(this.model, encoded, maxTokens);
      return free.text ? { rejected: true, reason, transcript: free.text, transcriptLogProb: free.meanLogProb } : { rejected: true, reason };
    };
    if (!found) return outOfGrammar("no sentence of the grammar fits the audio");
    const text = found.words.join(" ");
    // Noise that got past the VAD: left alone, the decoder would write nothing at all.
    if (this.options.rejection && found.emptyLogOdds > 0) return { rejected: true, reason: "no words: the decoder's own transcript is empty" };
    const match = grammar.matcher.match(found.words);
    if (!match) return outOfGrammar(`decoded "${text}" matches no intent sentence`);
    if (this.options.rejection && found.meanDeficit > this.options.maxDeficit) {
      return outOfGrammar(`out of grammar: "${text}" lies ${found.meanDeficit.toFixed(2)}/token below the decoder's own choices`);
    }
    const confidence = 1 / (1 + Math.exp(-(this.options.maxDeficit - found.meanDeficit) / CONFIDENCE_SCALE));
    return {
      text, confidence, intent: match.intent, slots: match.slots, tokenDeficit: found.meanDeficit, continues: found.continues,
      ...(familyMargin !== undefined ? { familyMargin } : {}),
    };
  }

  close(): void {
    this.model.release();
  }
}
