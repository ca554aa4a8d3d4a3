/**
 * Speech to intent with Moonshine tiny decoding only the intent sentences
 * (grammar-constrained beam search, grammar-search.ts), the neural
 * counterpart of the PocketSphinx grammar recognizer and the default: a
 * transformer trained on large, varied speech holds up in kitchen noise far
 * better than PocketSphinx's 2010s HMM acoustic model (bench/speech-intent.ts).
 *
 * Rejection is the same likelihood-ratio test as PocketSphinx's phone loop,
 * with the unconstrained decoder as the competing model: every utterance is
 * also decoded freely (greedy), and the command is accepted only when its
 * log-probability per token comes close enough to the free transcript's.
 * Unrelated speech is transcribed fluently by the free decoder and fits no
 * command; a real command is what the free decoder would have written anyway.
 */
import { logger } from "../../agent/log.ts";
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import { GrammarSearch } from "./grammar-search.ts";
import { detokenize, MoonshineModel, type MoonshineOptions } from "./moonshine.ts";
import { WordMatcher } from "./match-words.ts";
import { ASR_SAMPLE_RATE, type RecognitionResult, type SpeechRecognizer } from "./recognizer.ts";
import { trimSilence } from "./trim-silence.ts";
import { WordNetwork } from "./word-network.ts";

const log = logger("models/asr/moonshine");

export interface MoonshineRecognizerOptions extends MoonshineOptions {
  /** Reject when the command's log-probability per token is more than this below the free transcript's (natural log). Default 1.0, set from bench/speech-intent.ts. */
  maxFreeGap?: number;
  /** Run the rejection test (default true). */
  rejection?: boolean;
  /** Hypotheses kept per decoding step (default 6). */
  beam?: number;
  /** Margin kept around the speech when trimming silence, in ms; null disables trimming. Default 300. */
  trimMarginMs?: number | null;
}

/** Decoder tokens allowed per second of audio (Moonshine's own limit is 6; spelled-out numbers need more). */
const TOKENS_PER_SECOND = 8;
/** Moonshine's encoder needs this much audio, in samples (0.1 s). */
const MIN_SAMPLES = ASR_SAMPLE_RATE / 10;
/** Width of the confidence logistic, in log-probability per token. */
const CONFIDENCE_SCALE = 0.25;

export class MoonshineGrammarRecognizer implements SpeechRecognizer {
  private search!: GrammarSearch;
  private matcher!: WordMatcher;

  private constructor(
    private readonly model: MoonshineModel,
    private readonly options: Required<Omit<MoonshineRecognizerOptions, keyof MoonshineOptions>>,
  ) {}

  /**
   * Load the model and build the word network of `intents`.
   * @throws ModelIntegrityError when a model file is missing or corrupt; Error when no sentence can be decoded.
   */
  static async create(intents: CustomIntents, options: MoonshineRecognizerOptions = {}): Promise<MoonshineGrammarRecognizer> {
    const network = new WordNetwork(intents);
    const model = await MoonshineModel.load(options);
    const recognizer = new MoonshineGrammarRecognizer(model, {
      maxFreeGap: options.maxFreeGap ?? 1.0,
      rejection: options.rejection ?? true,
      beam: options.beam ?? 6,
      trimMarginMs: options.trimMarginMs === undefined ? 300 : options.trimMarginMs,
    });
    recognizer.useNetwork(network, intents);
    return recognizer;
  }

  /**
   * (Re)build the word network from `intents` (the registry or the intents changed).
   * @throws Error when no sentence can be decoded.
   */
  setIntents(intents: CustomIntents): void {
    this.useNetwork(new WordNetwork(intents), intents);
  }

  private useNetwork(network: WordNetwork, intents: CustomIntents): void {
    this.search = new GrammarSearch(this.model, network);
    this.matcher = new WordMatcher(intents);
    log.info({ intents: intents.intents.length }, "speech word network set");
  }

  async recognize(pcm: Int16Array): Promise<RecognitionResult> {
    const speech = this.options.trimMarginMs === null ? pcm : trimSilence(pcm, { marginMs: this.options.trimMarginMs });
    if (speech.length < MIN_SAMPLES) return { rejected: true, reason: "utterance shorter than 100 ms" };
    const audio = Float32Array.from(speech, (s) => s / 32768);
    const maxTokens = Math.ceil((speech.length / ASR_SAMPLE_RATE) * TOKENS_PER_SECOND) + 8;
    const encoded = await this.model.encode(audio);

    const free = await this.model.greedy(encoded, maxTokens);
    const heard = detokenize(free.tokens).trim();
    if (!heard) return { rejected: true, reason: "no words heard" };
    const found = await this.search.search(encoded, { beam: this.options.beam, maxTokens });
    if (!found) return { rejected: true, reason: `no sentence of the grammar fits "${heard}"` };
    const match = this.matcher.match(found.words);
    if (!match) return { rejected: true, reason: `decoded "${found.words.join(" ")}" matches no intent sentence` };

    // Per token of the longer transcript, so a short free decode cannot inflate the command's deficit.
    const margin = (found.logProb - free.logProb) / Math.max(found.tokens, free.tokens.length + 1);
    if (this.options.rejection && margin < -this.options.maxFreeGap) {
      return { rejected: true, reason: `out of grammar: heard "${heard}", best command "${found.words.join(" ")}" scores ${margin.toFixed(2)}/token below it` };
    }
    const confidence = 1 / (1 + Math.exp(-(margin + this.options.maxFreeGap) / CONFIDENCE_SCALE));
    return { text: found.words.join(" "), confidence, intent: match.intent, slots: match.slots, heard, freeMargin: margin };
  }

  close(): void {
    this.model.release();
  }
}
