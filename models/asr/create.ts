/**
 * The speech recognizer named by the config's `asr` section: the Moonshine
 * grammar recognizer over the intents (default), the PocketSphinx grammar
 * recognizer, or the sherpa-onnx open-vocabulary recognizer (loaded lazily;
 * its transcript goes to the text intent recognizer).
 */
import type { AsrConfig } from "../../agent/config/asr.ts";
import { logger } from "../../agent/log.ts";
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import { MoonshineGrammarRecognizer } from "./moonshine-recognizer.ts";
import { PocketSphinxRecognizer } from "./pocketsphinx.ts";
import type { SpeechRecognizer } from "./recognizer.ts";
import { SherpaRecognizer } from "./sherpa.ts";

const log = logger("models/asr");

/**
 * Build the configured recognizer. `intents` are the sentences the grammar
 * backends may hear (built-in + user-defined, `buildSentenceSet`); call
 * `setIntents` on a grammar recognizer when they change. `options.families`: intent names per family, which
 * the Moonshine decoder searches apart (moonshine-recognizer.ts).
 * @throws Error naming the config field at fault (model directory, pronunciations, empty grammar);
 *   ModelIntegrityError when a model file is missing or corrupt.
 */
export async function createSpeechRecognizer(config: AsrConfig, intents: CustomIntents, options: { families?: readonly (readonly string[])[] } = {}): Promise<SpeechRecognizer> {
  if (config.backend === "sherpa") return SherpaRecognizer.create(config);
  if (config.backend === "moonshine") {
    const words = Object.keys(config.pronunciations);
    if (words.length) log.warn(`asr.pronunciations (${words.join(", ")}) only apply to asr.backend pocketsphinx; moonshine spells words itself`);
    return MoonshineGrammarRecognizer.create(intents, {
      rejection: config.rejection.enabled,
      maxDeficit: config.rejection.max_deficit,
      beam: config.beam,
      trimMarginMs: config.trim_margin_ms,
      ...(options.families ? { families: options.families } : {}),
    });
  }
  return PocketSphinxRecognizer.create(intents, {
    pronunciations: config.pronunciations,
    rejection: config.rejection.enabled,
    maxLoopGap: config.rejection.max_loop_gap,
    trimMarginMs: config.trim_margin_ms,
  });
}
