/**
 * Config section `vad`: Silero VAD thresholds and the endpointer's timings.
 * All durations in milliseconds of audio (media time, not wall-clock time).
 */
import { z } from "zod";

export const vadSchema = z.strictObject({
  /** Speech probability at or above which a 32 ms chunk counts as speech (Silero's default 0.5). */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Probability below which a chunk counts as silence once speech started (hysteresis; Silero uses threshold − 0.15). */
  neg_threshold: z.number().min(0).max(1).default(0.35),
  /** Audio kept before the detected speech onset (and before the wake point) so soft onsets are not clipped. */
  pre_roll_ms: z.number().int().min(0).max(5_000).default(300),
  /** Speech shorter than this is a blip (a click, a cough) and is dropped. */
  min_speech_ms: z.number().int().min(0).max(10_000).default(250),
  /** This much continuous silence after speech ends the utterance. */
  trailing_silence_ms: z.number().int().min(32).max(10_000).default(700),
  /** An utterance is cut here even if the speaker goes on. */
  max_utterance_ms: z.number().int().min(500).max(120_000).default(15_000),
  /**
   * Speech still going on when the wake word fires is the wake word's own tail (the detector fires before
   * the word ends) if a gap of `wake_tail_gap_ms` follows within this time; speech running longer without
   * such a gap is a command said in the same breath, kept from the wake point on.
   */
  wake_tail_max_ms: z.number().int().min(0).max(5_000).default(500),
  /** Silence that ends the wake word's tail. */
  wake_tail_gap_ms: z.number().int().min(32).max(2_000).default(150),
  /**
   * Speech that began at the wake point (the tail ran past `wake_tail_max_ms` without a gap, as when the wake word
   * fires inside the word), lasting at most this long and rejected by the recognizer, is only the wake word's own
   * tail: it is dropped (no event, no free transcript) and the microphone keeps listening for the command, for
   * `no_speech_timeout_ms`. The rests of "alexa" after the detection on the dev clips last 256–848 ms.
   */
  wake_tail_only_ms: z.number().int().min(0).max(5_000).default(1_000),
  /** After a wake word, give up when no speech starts within this time. */
  no_speech_timeout_ms: z.number().int().min(100).max(60_000).default(5_000),
  /**
   * Early recognition: after this much silence the utterance so far is handed to the recognizer while
   * the endpointer still waits for `trailing_silence_ms`; if the speaker does not go on, that result is
   * used and the command lands almost as the utterance ends. 0 turns it off.
   */
  early_recognition_ms: z.number().int().min(0).max(10_000).default(300),
  /**
   * Half an order is never acted on: a command a longer sentence of the grammar goes on from ("a large latte"
   * … "with soy milk") waits this long after its speech ended for more speech; speech that starts in time
   * is decoded together with it (real 6 dB splits of the barista orders pause up to 2.4 s). After a wake word, the microphone keeps listening this long after a command.
   */
  continuation_ms: z.number().int().min(0).max(10_000).default(2_500),
});

export type VadConfig = z.infer<typeof vadSchema>;
