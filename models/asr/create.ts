/**
 * The speech recognizer named by the config's `asr` section: the PocketSphinx
 * grammar recognizer over the intents (default), or the sherpa-onnx
 * open-vocabulary recognizer (loaded lazily; its transcript goes to the text
 * intent recognizer).
 */
import type { AsrConfig } from "../../agent/config/asr.ts";
import type { CustomIntents } from "../../agent/intent/custom-intents.ts";
import { PocketSphinxRecognizer } from "./pocketsphinx.ts";
import type { SpeechRecognizer } from "./recognizer.ts";
import { SherpaRecognizer } from "./sherpa.ts";

/**
 * Build the configured recognizer. `intents` are the sentences the grammar
 * backend may hear (built-in + user-defined, `buildSentenceSet`); call
 * `setIntents` on a PocketSphinxRecognizer when they change.
 * @throws Error naming the config field at fault (model directory, pronunciations, empty grammar).
 */
export async function createSpeechRecognizer(config: AsrConfig, intents: CustomIntents): Promise<SpeechRecognizer> {
  if (config.backend === "sherpa") return SherpaRecognizer.create(config);
  return PocketSphinxRecognizer.create(intents, {
    pronunciations: config.pronunciations,
    rejection: config.rejection.enabled,
    maxLoopGap: config.rejection.max_loop_gap,
    trimMarginMs: config.trim_margin_ms,
  });
}
