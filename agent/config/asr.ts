/**
 * Config section `asr`: which speech recognizer turns an utterance into text
 * (and, for the grammar backend, directly into intent + slots), its rejection
 * thresholds and hand-written pronunciations.
 */
import { z } from "zod";

/** ARPAbet phones of the CMU dictionary, upper case, space separated ("K AO F IY"). */
const phonesSchema = z.string().regex(/^[A-Z]{1,2}( [A-Z]{1,2})*$/, "ARPAbet phones in upper case separated by spaces, e.g. \"K AO F IY\"");

export const asrSchema = z.strictObject({
  /**
   * `pocketsphinx`: grammar-constrained decoding (SoundSwallower, WASM) over the
   * intent sentences. `sherpa`: open-vocabulary recognition with a sherpa-onnx
   * model from `model_dir`; its transcript goes through the text intent recognizer.
   */
  backend: z.enum(["pocketsphinx", "sherpa"]).default("pocketsphinx"),
  /** Pronunciations for words the dictionary lacks or says wrongly: `{ word: "PHONES" }`. */
  pronunciations: z.record(z.string().regex(/^[a-z0-9'.-]+$/, "lower-case word"), phonesSchema).default({}),
  /**
   * Rejection of out-of-grammar speech: the utterance is decoded once with the
   * command grammar and once with a free phone loop; the command is accepted only
   * when its acoustic score per 10 ms frame is no more than `max_loop_gap` below
   * the phone loop's (a log-likelihood ratio in the decoder's scaled log units per frame;
   * measured on the bench: real orders ≥ -10.4, unrelated speech ≤ -22, noise passing the VAD -11.0 and below).
   */
  rejection: z.strictObject({
    enabled: z.boolean().default(true),
    max_loop_gap: z.number().min(0).default(11),
  }).default({ enabled: true, max_loop_gap: 11 }),
  /** Cut leading/trailing silence before decoding (energy-based), keeping this much margin. */
  trim_margin_ms: z.number().int().min(0).max(2000).default(200),
  /** sherpa-onnx model directory (Whisper, Moonshine or transducer export); required for `backend: sherpa`. */
  model_dir: z.string().optional(),
  /** Which sherpa-onnx export `model_dir` holds; decides the files required there. */
  model_type: z.enum(["whisper", "moonshine", "transducer"]).optional(),
  /** CPU threads for the sherpa-onnx recognizer. */
  threads: z.number().int().min(1).max(16).default(1),
});

export type AsrConfig = z.infer<typeof asrSchema>;
