/**
 * Grammar-constrained speech recognition with PocketSphinx compiled to WASM
 * (the `soundswallower` package and its en-us continuous acoustic model and
 * CMU dictionary), with rejection of out-of-grammar speech.
 *
 * Rejection: a grammar decoder always finds *some* sentence, and its word
 * posteriors do not tell a real command from unrelated speech. So every
 * utterance is decoded twice — with the command grammar and with an
 * unconstrained phone loop (any sequence of the model's phones, the classic
 * "filler"/garbage model of keyword spotting, Rose & Paul 1990) — and the
 * command is accepted only when its best-path score per 10 ms frame comes
 * close enough to the phone loop's: a log-likelihood ratio test. Speech that
 * is not in the grammar fits the free phone loop much better than any forced
 * command; a real command fits the grammar about as well as the loop.
 *
 * Per utterance the caller may allow only some intents (`options.intents`: the
 * follow-up replies only while a question is pending): the decoder then
 * searches the JSGF of those intents alone (built once per set and switched
 * with `set_grammar`), and a command that is also a sentence of an intent
 * left out (a bare "twenty six percent" is a reply too) is rejected.
 */
import createModule, { type Decoder, type SoundSwallowerModule } from "soundswallower";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { logger } from "../../agent/log.ts";
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import { buildGrammar, type Grammar } from "./grammar.ts";
import { letterToSound } from "./letter-to-sound.ts";
import { WordMatcher } from "./match-words.ts";
import { ASR_SAMPLE_RATE, type RecognitionResult, type RecognizeOptions, type SpeechRecognizer } from "./recognizer.ts";
import { trimSilence } from "./trim-silence.ts";

const log = logger("models/asr/pocketsphinx");

/** The parts of the Emscripten module the typed API does not expose (best-path score). */
interface SoundSwallowerInternals extends SoundSwallowerModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _decoder_hyp(decoder: number, scorePtr: number): number;
  HEAP32: Int32Array;
}

/**
 * Words of hearth's own built-in sentences (sensor device classes) that the
 * CMU dictionary lacks, spelled by hand so users are not warned about words
 * they never wrote. Acronyms are spelled letter by letter.
 */
const BUILTIN_PRONUNCIATIONS: Record<string, string> = {
  aqi: "EY K Y UW AY",
  voc: "V IY OW S IY",
  awnings: "AO N IH NG Z",
  illuminance: "IH L UW M AH N AH N S",
  irradiance: "IH R EY D IY AH N S",
  unpowered: "AH N P AW ER D",
  // Timer words; the typed abbreviations are said in full ("five mins" is heard as "five minutes").
  unpause: "AH N P AO Z",
  audiobook: "AO D IY OW B UH K",
  hrs: "AW ER Z",
  mins: "M IH N AH T S",
  secs: "S EH K AH N D Z",
};

export interface PocketSphinxOptions {
  /** Hand-written pronunciations `{ word: "ARPABET PHONES" }`; they override the dictionary and letter-to-sound. */
  pronunciations?: Record<string, string>;
  /** Reject when the command scores more than this (per 10 ms frame, decoder log units) below the phone loop. Default 11, set from bench/speech-intent.ts. */
  maxLoopGap?: number;
  /** Language weight of the command grammar (PocketSphinx `lw`, default 6.5). */
  languageWeight?: number;
  /**
   * Language weight of the phone loop (the command grammar keeps the model's 6.5):
   * lower makes each phone cheaper, so the loop explains unrelated speech better
   * and rejects more. Default 3.
   */
  loopLanguageWeight?: number;
  /** Run the phone-loop rejection test (default true). */
  rejection?: boolean;
  /** Margin kept around the speech when trimming silence, in ms; null disables trimming. Default 200. */
  trimMarginMs?: number | null;
}

/** Decoder log-score units (log base 1.0001, after the acoustic scale) per frame for the confidence logistic. */
const CONFIDENCE_SCALE = 2;
// Words of the phone loop (its own decoder, so they cannot clash with grammar words).
const PHONE_WORD_PREFIX = "ph_";

/** Warnings about the vocabulary, collected while the grammar is set. */
export interface VocabularyReport {
  /** Words the dictionary lacks that got a letter-to-sound pronunciation. */
  guessed: Record<string, string>;
  /** Words with a hand-written pronunciation from the config. */
  configured: string[];
}

/**
 * PocketSphinx grammar recognizer over a set of intents. Create with
 * {@link PocketSphinxRecognizer.create}; call {@link setIntents} again when the
 * registry or the intents change.
 */
export class PocketSphinxRecognizer implements SpeechRecognizer {
  private matcher!: WordMatcher;
  private grammar!: Grammar;
  private intents!: CustomIntents;
  /** The intents whose grammar the command decoder holds now ("" for all), and the grammars built per set. */
  private activeKey = "";
  private readonly subsets = new Map<string, { jsgf: string; excluded: WordMatcher | null }>();
  private vocabulary: VocabularyReport = { guessed: {}, configured: [] };
  /** Letter-to-sound pronunciations already added to the dictionary (it keeps them across grammars). */
  private readonly guessedWords = new Map<string, string>();

  private constructor(
    private readonly module: SoundSwallowerInternals,
    private readonly commandDecoder: Decoder,
    private readonly loopDecoder: Decoder,
    private readonly options: Required<PocketSphinxOptions>,
  ) {}

  /**
   * Load the acoustic model twice (command grammar and phone loop) and set the grammar.
   * @throws Error when the model cannot be loaded, a configured pronunciation
   *   uses unknown phones, or no intent sentence can be expressed as a grammar.
   */
  static async create(intents: CustomIntents, options: PocketSphinxOptions = {}): Promise<PocketSphinxRecognizer> {
    const modelBase = join(dirname(fileURLToPath(import.meta.resolve("soundswallower"))), "model") + "/";
    const module = (await createModule({
      modelBase,
      // The C library reports empty decodes on stderr; keep them in our logs instead.
      printErr: (line: string) => log.debug({ line }, "soundswallower"),
      print: (line: string) => log.debug({ line }, "soundswallower"),
    } as Partial<SoundSwallowerModule>)) as SoundSwallowerInternals;
    const phones = Object.keys(JSON.parse(readFileSync(join(modelBase, "en-us", "phoneset.json"), "utf8")) as Record<string, string>);
    const speechPhones = phones.filter((p) => !p.startsWith("+") && p !== "SIL");

    // compallsen: PocketSphinx normalises each frame's senone scores by the best
    // one it computed; computing all senones (not only those of active states)
    // makes that best the same in both decoders, so their path scores compare.
    const newDecoder = async (extra: Record<string, number> = {}) => {
      const decoder = new module.Decoder({ samprate: ASR_SAMPLE_RATE, loglevel: "FATAL", compallsen: true, ...extra });
      await decoder.initialize();
      return decoder;
    };
    const commandDecoder = await newDecoder({ lw: options.languageWeight ?? 6.5 });
    const loopDecoder = await newDecoder({ lw: options.loopLanguageWeight ?? 3 });
    loopDecoder.add_words(...speechPhones.map((p): [string, string] => [PHONE_WORD_PREFIX + p.toLowerCase(), p]));
    loopDecoder.set_grammar(
      ["#JSGF V1.0;", "grammar loop;", "public <loop> = <phone>+;", `<phone> = ${speechPhones.map((p) => PHONE_WORD_PREFIX + p.toLowerCase()).join(" | ")};`, ""].join("\n"),
    );

    const pronunciations = { ...BUILTIN_PRONUNCIATIONS, ...(options.pronunciations ?? {}) };
    const phoneSet = new Set(speechPhones);
    for (const [word, pron] of Object.entries(pronunciations)) {
      const unknown = pron.split(/\s+/).filter((p) => !phoneSet.has(p));
      if (unknown.length) throw new Error(`asr.pronunciations.${word}: unknown phone(s) ${unknown.join(", ")}; use ${speechPhones.join(" ")}`);
    }
    const recognizer = new PocketSphinxRecognizer(module, commandDecoder, loopDecoder, {
      pronunciations,
      maxLoopGap: options.maxLoopGap ?? 11,
      languageWeight: options.languageWeight ?? 6.5,
      loopLanguageWeight: options.loopLanguageWeight ?? 3,
      rejection: options.rejection ?? true,
      trimMarginMs: options.trimMarginMs === undefined ? 200 : options.trimMarginMs,
    });
    recognizer.setIntents(intents);
    return recognizer;
  }

  /**
   * (Re)build the grammar from `intents`, adding pronunciations for words the
   * dictionary lacks (config first, then letter-to-sound, with a warning that
   * lists them).
   * @throws Error when no sentence can be expressed as a grammar.
   */
  setIntents(intents: CustomIntents): VocabularyReport {
    const grammar = buildGrammar(intents);
    for (const s of grammar.skipped) log.warn(`speech grammar leaves out ${s}`);
    const guessed: Record<string, string> = {};
    const configured: string[] = [];
    const additions: [string, string][] = [];
    for (const word of grammar.words) {
      const own = this.options.pronunciations[word];
      const known = this.commandDecoder.lookup_word(word) !== null;
      if (own) {
        configured.push(word);
        // A dictionary word keeps its pronunciations; the configured one is added as an alternative.
        if (known) {
          if (!this.hasPronunciation(word, own)) additions.push([`${word}(${this.nextVariant(word)})`, own]);
        } else additions.push([word, own]);
      } else if (this.guessedWords.has(word)) {
        guessed[word] = this.guessedWords.get(word)!;
      } else if (!known) {
        const pron = letterToSound(word);
        if (!pron) throw new Error(`${intents.file}: cannot pronounce "${word}"; add it to asr.pronunciations`);
        guessed[word] = pron;
        this.guessedWords.set(word, pron);
        additions.push([word, pron]);
      }
    }
    for (const entry of additions) {
      try {
        this.commandDecoder.add_words(entry);
      } catch {
        throw new Error(`asr: cannot add pronunciation "${entry[0]}: ${entry[1]}" to the dictionary`);
      }
    }
    if (Object.keys(guessed).length) {
      log.warn(
        { words: guessed },
        `${Object.keys(guessed).length} word(s) missing from the pronouncing dictionary got a letter-to-sound guess: ${Object.entries(guessed).map(([w, p]) => `${w} [${p}]`).join(", ")}; set asr.pronunciations to correct them`,
      );
    }
    this.commandDecoder.set_grammar(grammar.jsgf);
    this.grammar = grammar;
    this.intents = intents;
    this.activeKey = "";
    this.subsets.clear();
    this.matcher = new WordMatcher(intents);
    this.vocabulary = { guessed, configured };
    log.info({ words: grammar.words.length, intents: intents.intents.length }, "speech grammar set");
    return this.vocabulary;
  }

  /** Guessed and configured pronunciations of the current grammar's words. */
  get vocabularyReport(): VocabularyReport {
    return this.vocabulary;
  }

  /** The JSGF grammar currently decoded (for `hearth` diagnostics and tests). */
  get jsgf(): string {
    return this.grammar.jsgf;
  }

  /**
   * Recognise one utterance; `options.intents` restricts it to those intents.
   * @throws Error when `options.intents` allows no sentence of the grammar.
   */
  async recognize(pcm: Int16Array, options: RecognizeOptions = {}): Promise<RecognitionResult> {
    const subset = this.useIntents(options.intents);
    const speech = this.options.trimMarginMs === null ? pcm : trimSilence(pcm, { marginMs: this.options.trimMarginMs });
    const frames = Math.floor(speech.length / (ASR_SAMPLE_RATE / 100));
    if (frames < 10) return { rejected: true, reason: "utterance shorter than 100 ms" };
    const audio = Float32Array.from(speech, (s) => s / 32768);

    const command = this.decode(this.commandDecoder, audio);
    if (!command.text) return { rejected: true, reason: "no sentence of the grammar fits the audio" };
    const words = command.text.split(" ");
    const match = this.matcher.match(words);
    if (!match) return { rejected: true, reason: `decoded "${command.text}" matches no intent sentence` };
    if (subset?.excluded?.match(words)) return { rejected: true, reason: `"${command.text}" is also a sentence of an intent not allowed now (a bare reply with no question pending)` };

    let margin = Number.POSITIVE_INFINITY;
    if (this.options.rejection) {
      const loop = this.decode(this.loopDecoder, audio);
      // An empty phone-loop decode means the audio fits nothing; the command then stands alone.
      if (loop.text) {
        margin = (command.score - loop.score) / frames;
        if (margin < -this.options.maxLoopGap) {
          return { rejected: true, reason: `out of grammar: "${command.text}" scores ${margin.toFixed(1)}/frame against the phone loop` };
        }
      }
    }
    const confidence = Number.isFinite(margin) ? 1 / (1 + Math.exp(-(margin + this.options.maxLoopGap) / CONFIDENCE_SCALE)) : 1;
    return { text: command.text, confidence, intent: match.intent, slots: match.slots, ...(Number.isFinite(margin) ? { loopMargin: margin } : {}) };
  }

  /** Put the grammar of `intents` (all when undefined) into the command decoder; returns its subset entry, if any. */
  private useIntents(intents: ReadonlySet<string> | undefined): { jsgf: string; excluded: WordMatcher | null } | undefined {
    const all = this.intents.intents.map((i) => i.name);
    const chosen = intents ? all.filter((i) => intents.has(i)) : all;
    if (!chosen.length) throw new Error(`no intent of the speech grammar is allowed (asked for ${[...intents!].join(", ")})`);
    const key = chosen.length < all.length ? chosen.join("\n") : "";
    let subset = key ? this.subsets.get(key) : undefined;
    if (key && !subset) {
      const left = this.intents.intents.filter((i) => !intents!.has(i.name));
      subset = { jsgf: buildGrammar(this.intents, { intents: intents! }).jsgf, excluded: left.length ? new WordMatcher({ ...this.intents, intents: left }) : null };
      this.subsets.set(key, subset);
    }
    if (key !== this.activeKey) {
      this.commandDecoder.set_grammar(subset ? subset.jsgf : this.grammar.jsgf);
      this.activeKey = key;
    }
    return subset;
  }

  close(): void {
    this.commandDecoder.delete();
    this.loopDecoder.delete();
  }

  /** Decode a whole utterance; `score` is the best path's total log score (log base 1.0001). */
  private decode(decoder: Decoder, audio: Float32Array): { text: string; score: number } {
    decoder.start();
    decoder.process_audio(audio, false, true);
    decoder.stop();
    const scorePtr = this.module._malloc(4);
    try {
      const cdecoder = (decoder as unknown as { cdecoder: number }).cdecoder;
      this.module._decoder_hyp(cdecoder, scorePtr);
      const score = this.module.HEAP32[scorePtr >> 2]!;
      return { text: decoder.get_text().trim(), score };
    } finally {
      this.module._free(scorePtr);
    }
  }

  private hasPronunciation(word: string, pron: string): boolean {
    for (let v = 1; ; v++) {
      const existing = this.commandDecoder.lookup_word(v === 1 ? word : `${word}(${v})`);
      if (existing === null) return false;
      if (existing.trim() === pron) return true;
    }
  }

  private nextVariant(word: string): number {
    let v = 2;
    while (this.commandDecoder.lookup_word(`${word}(${v})`) !== null) v++;
    return v;
  }
}
