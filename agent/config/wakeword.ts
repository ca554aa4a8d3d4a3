/**
 * Config section `wakeword`: which wake words to listen for, with which
 * backend, and how scores become detections.
 */
import { z } from "zod";

export const wakeWordModelSchema = z.strictObject({
  /**
   * A built-in openWakeWord model (`alexa`, `hey_jarvis`, `hey_mycroft`, `hey_rhasspy`, `timer`, `weather`,
   * or its manifest id `oww-alexa`), or the path of any openWakeWord-compatible classifier `.onnx`
   * (input f32[1,N,96] embeddings, output f32[1,1] score). The pretrained models are non-commercial (CC-BY-NC-SA-4.0).
   */
  model: z.string().min(1),
  /** Name in events and logs; default the built-in name or the file's base name. */
  name: z.string().min(1).optional(),
  /** Score (0..1) a frame must reach. openWakeWord's default is 0.5. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Consecutive 80 ms frames at or above the threshold needed for a detection. */
  patience: z.number().int().min(1).max(50).default(1),
  /** After a detection, further detections of this model are ignored for this long (ms). */
  refractory_ms: z.number().int().min(0).max(60_000).default(2_000),
});

export const porcupineSchema = z.strictObject({
  /** Picovoice AccessKey; prefer `access_key_file`. */
  access_key: z.string().optional(),
  /** File holding the AccessKey (e.g. `$CREDENTIALS_DIRECTORY/picovoice`). */
  access_key_file: z.string().optional(),
  /** Built-in keywords (`porcupine`, `alexa`, ...) or `.ppn` paths. */
  keywords: z.array(z.string().min(1)).default(["porcupine"]),
  /** One per keyword, 0..1 (default 0.5 each). */
  sensitivities: z.array(z.number().min(0).max(1)).optional(),
});

/** Input level normalisation before openWakeWord's melspectrogram (models/wakeword/level.ts). */
export const wakeWordLevelSchema = z.strictObject({
  /** Attenuate loud input (a speaker close to the microphone) to `target_peak_dbfs`; quieter input is never amplified. */
  enabled: z.boolean().default(true),
  /** Peak level, dBFS (0 = int16 full scale), that louder input is brought down to. */
  target_peak_dbfs: z.number().min(-40).max(0).default(-6),
  /** Fall of the peak envelope after a loud passage, dB per second (slow: the gain holds over a word). */
  release_db_per_s: z.number().positive().max(200).default(3),
});

export const wakeWordSchema = z.strictObject({
  /** `openwakeword` (built in) or `porcupine` (needs `@picovoice/porcupine-node` and an AccessKey). */
  backend: z.enum(["openwakeword", "porcupine"]).default("openwakeword"),
  models: z.array(wakeWordModelSchema).min(1).default([wakeWordModelSchema.parse({ model: "alexa" })]),
  porcupine: porcupineSchema.default(porcupineSchema.parse({})),
  /** openWakeWord only: peak-aware gain before the features, so near-clipping speech scores like normal-level speech. */
  level: wakeWordLevelSchema.default(wakeWordLevelSchema.parse({})),
  /**
   * VAD gate (openWakeWord's `vad_threshold`): a detection counts only if Silero VAD's speech probability
   * reached this within `vad_window_ms` before it. 0 disables the gate.
   */
  vad_threshold: z.number().min(0).max(1).default(0.5),
  vad_window_ms: z.number().int().min(80).max(5_000).default(1_000),
  /** Detections of the same wake word by several microphones within this window open one session, for the best score. */
  arbitration_window_ms: z.number().int().min(0).max(5_000).default(500),
  /** Audio kept per source for saving around detections, seconds. */
  ring_buffer_s: z.number().min(1).max(60).default(5),
  /** With `--save-detections DIR` (or this directory): WAV from `save_before_ms` before to `save_after_ms` after each detection. */
  save_detections_dir: z.string().optional(),
  save_before_ms: z.number().int().min(0).max(30_000).default(2_000),
  save_after_ms: z.number().int().min(0).max(10_000).default(1_000),
});

export type WakeWordConfig = z.infer<typeof wakeWordSchema>;
export type WakeWordLevelConfig = z.infer<typeof wakeWordLevelSchema>;
export type WakeWordModelConfig = z.infer<typeof wakeWordModelSchema>;
