/**
 * Config section `asr`: which speech recognizer turns an utterance into text
 * (and, for the grammar backends, directly into intent + slots), its rejection
 * thresholds and hand-written pronunciations.
 */
import { z } from "zod";

/** ARPAbet phones of the CMU dictionary, upper case, space separated ("K AO F IY"). */
const phonesSchema = z.string().regex(/^[A-Z]{1,2}( [A-Z]{1,2})*$/, "ARPAbet phones in upper case separated by spaces, e.g. \"K AO F IY\"");

export const asrSchema = z.strictObject({
  /**
   * `moonshine` (default): Moonshine tiny (ONNX, shipped in an npm package)
   * decoding only the intent sentences, robust in noise. `pocketsphinx`:
   * grammar-constrained decoding with PocketSphinx (SoundSwallower, WASM),
   * lighter (peak RSS 322 against 480 MiB) but far weaker in noise. `sherpa`: open-vocabulary
   * recognition with a sherpa-onnx model from `model_dir`; its transcript goes
   * through the text intent recognizer.
   */
  backend: z.enum(["moonshine", "pocketsphinx", "sherpa"]).default("moonshine"),
  /** PocketSphinx: pronunciations for words the dictionary lacks or says wrongly: `{ word: "PHONES" }`. */
  pronunciations: z.record(z.string().regex(/^[a-z0-9'.-]+$/, "lower-case word"), phonesSchema).default({}),
  /**
   * Rejection of out-of-grammar speech: the command must stay close to what the
   * recognizer would decode without the grammar (a likelihood ratio).
   * `max_deficit` (Moonshine): mean per token of the decoder's best token's
   * log-probability minus the command's token's (natural log); bench:
   * understood orders ≤ 0.61 clean and ≤ 1.19 at 6 dB SNR, unrelated speech ≥ 1.58.
   * `max_loop_gap` (PocketSphinx): the command's acoustic score per 10 ms frame
   * below a free phone loop's (scaled log units); bench: real orders ≥ -10.4,
   * unrelated speech ≤ -22, noise passing the VAD -11.0 and below.
   */
  rejection: z.strictObject({
    enabled: z.boolean().default(true),
    max_deficit: z.number().min(0).default(1.2),
    max_loop_gap: z.number().min(0).default(11),
  }).default({ enabled: true, max_deficit: 1.2, max_loop_gap: 11 }),
  /** Moonshine: hypotheses kept per decoding step; wider is slower and rarely better. */
  beam: z.number().int().min(1).max(32).default(6),
  /**
   * Cut leading/trailing silence before decoding (energy-based), keeping this much margin. Default: 200 for
   * pocketsphinx; off for moonshine, whose utterances the VAD endpointer already bounds (in loud noise the
   * energy trim cuts into speech).
   */
  trim_margin_ms: z.number().int().min(0).max(2000).optional(),
  /** sherpa-onnx model directory (Whisper, Moonshine or transducer export); required for `backend: sherpa`. */
  model_dir: z.string().optional(),
  /** Which sherpa-onnx export `model_dir` holds; decides the files required there. */
  model_type: z.enum(["whisper", "moonshine", "transducer"]).optional(),
  /** CPU threads for the sherpa-onnx recognizer. */
  threads: z.number().int().min(1).max(16).default(1),
});

export type AsrConfig = z.infer<typeof asrSchema>;
