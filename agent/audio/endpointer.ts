/**
 * Endpointing: turns per-chunk speech probabilities (Silero VAD, 32 ms chunks)
 * into utterances. Pure and clock-free: time is the stream's sample index, so
 * tests drive it with synthetic probabilities.
 *
 * Rules (all durations from the `vad` config section, in ms of audio):
 * - Hysteresis as in silero-vad's VADIterator: a chunk with probability ≥
 *   `threshold` is speech; once speech started, only a chunk below
 *   `neg_threshold` counts as silence.
 * - A candidate onset becomes speech (`speech_start`) once it has lasted
 *   `min_speech_ms`; a candidate that falls silent for `trailing_silence_ms`
 *   before that is dropped as a blip.
 * - `trailing_silence_ms` of silence after speech ends the utterance; so does
 *   reaching `max_utterance_ms`.
 * - The utterance keeps `pre_roll_ms` of audio before the onset, but never
 *   reaches further back than `pre_roll_ms` before the arming point.
 * - Speech already going on when the endpointer is armed is first taken for
 *   the wake word's tail (the detector fires before the word ends): if a gap
 *   of `wake_tail_gap_ms` follows within `wake_tail_max_ms`, it is dropped and
 *   the command is the next speech; if it runs on without such a gap, it is a
 *   command said in the same breath and counts from the arming point, so the
 *   words after the wake word are kept.
 * - Armed with a timeout (after a wake word), `no_speech_timeout_ms` without
 *   any speech gives `no_speech`.
 */
import type { VadConfig } from "../config/vad.ts";

/** Sample rate of the stream, Hz. */
const RATE = 16_000;

/** One chunk of audio with its speech probability; `start` is its first sample's index in the stream. */
export interface ProbabilityChunk {
  start: number;
  samples: Int16Array;
  probability: number;
}

/** A finished utterance: audio and its timing in the stream (samples and ms of media time). */
export interface Utterance {
  /** 16 kHz mono int16 audio from `start_ms` to `end_ms` (pre-roll and trailing silence included). */
  pcm: Int16Array;
  start_ms: number;
  end_ms: number;
  /** Onset of the speech (after pre-roll). */
  speech_start_ms: number;
  /** End of the last speech chunk (before the trailing silence). */
  speech_end_ms: number;
  /** Why it ended: enough trailing silence, the maximum length, or the end of the stream. */
  reason: "silence" | "max_length" | "end_of_stream";
  /** The speech was already going on when the endpointer was armed and counts from the arming point (it may hold the wake word's own tail). */
  started_at_arm: boolean;
}

export type EndpointEvent =
  | { type: "speech_start"; t_ms: number }
  /** `early_recognition_ms` of silence inside an utterance: the audio so far, which may turn out to be the whole utterance. */
  | { type: "speech_pause"; t_ms: number; utterance: Utterance }
  | { type: "speech_end"; t_ms: number; utterance: Utterance }
  | { type: "no_speech"; t_ms: number };

export type EndpointerTimings = Pick<
  VadConfig,
  "threshold" | "neg_threshold" | "pre_roll_ms" | "min_speech_ms" | "trailing_silence_ms" | "max_utterance_ms" | "no_speech_timeout_ms" | "wake_tail_max_ms" | "wake_tail_gap_ms"
> &
  Partial<Pick<VadConfig, "early_recognition_ms" | "continuation_ms" | "wake_tail_only_ms">>;

type Mode = "idle" | "waiting" | "speech";

const msToSamples = (ms: number): number => Math.round((ms * RATE) / 1000);
const samplesToMs = (samples: number): number => (samples * 1000) / RATE;

/**
 * Endpointer for one stream. Feed every chunk with `push` (also while idle:
 * it keeps the pre-roll); `arm` starts looking for an utterance.
 */
export class Endpointer {
  private mode: Mode = "idle";
  private chunks: ProbabilityChunk[] = [];
  private armSample = 0;
  private withTimeout = false;
  private timeoutSamples = 0;
  /** Whether speech was going on at the arming point. */
  private armedInSpeech = false;
  /** Whether the VAD is in its "speech" hysteresis state. */
  private triggered = false;
  /** Onset of the current candidate or speech; -1 when none. */
  private onset = -1;
  /** End sample of the last chunk that counted as speech. */
  private lastSpeechEnd = 0;
  /** While the speech in progress at the arming point may still be the wake word's tail. */
  private inWakeTail = false;
  private readonly preRoll: number;

  constructor(private readonly timings: EndpointerTimings) {
    this.preRoll = msToSamples(timings.pre_roll_ms);
  }

  /** True while armed and no speech has started yet. */
  get waiting(): boolean {
    return this.mode === "waiting" && this.onset < 0;
  }

  /** True while armed (waiting for speech or inside an utterance). */
  get armed(): boolean {
    return this.mode !== "idle";
  }

  /**
   * Start looking for an utterance from sample `atSample` (the end of the last pushed chunk, normally).
   * With `timeout`, give up after `timeoutMs` (default `no_speech_timeout_ms`) without speech.
   */
  arm(atSample: number, options: { timeout: boolean; timeoutMs?: number }): void {
    this.mode = "waiting";
    this.armSample = atSample;
    this.withTimeout = options.timeout;
    this.timeoutSamples = msToSamples(options.timeoutMs ?? this.timings.no_speech_timeout_ms);
    this.armedInSpeech = this.triggered;
    // Speech in progress at the arming point: the wake word's tail or a same-breath command (decided in push).
    this.onset = this.triggered ? atSample : -1;
    this.inWakeTail = this.triggered;
    this.lastSpeechEnd = atSample;
  }

  /** Stop looking; keeps only the pre-roll. */
  disarm(): void {
    this.mode = "idle";
    this.onset = -1;
    this.inWakeTail = false;
    this.trim();
  }

  /** Feed the next chunk of the stream; returns the events it causes. */
  push(chunk: ProbabilityChunk): EndpointEvent[] {
    const end = chunk.start + chunk.samples.length;
    const isSpeech = this.triggered ? chunk.probability >= this.timings.neg_threshold : chunk.probability >= this.timings.threshold;
    this.chunks.push(chunk);
    const events: EndpointEvent[] = [];

    if (isSpeech) {
      if (this.mode === "waiting" && this.onset < 0) this.onset = Math.max(chunk.start, this.armSample);
      this.triggered = true;
      this.lastSpeechEnd = end;
    } else if (this.triggered && end - this.lastSpeechEnd >= msToSamples(this.timings.trailing_silence_ms)) {
      this.triggered = false;
    }

    if (this.mode === "waiting" && this.inWakeTail) {
      if (end - this.lastSpeechEnd >= msToSamples(this.timings.wake_tail_gap_ms)) {
        this.inWakeTail = false;
        this.onset = -1; // it was the wake word's tail: the command is the next speech
      } else if (end - this.armSample >= msToSamples(this.timings.wake_tail_max_ms)) {
        this.inWakeTail = false; // no gap: a command in the same breath, counted from the wake point
      }
    }
    if (this.mode === "waiting" && !this.inWakeTail) {
      if (this.onset >= 0 && isSpeech && this.lastSpeechEnd - this.onset >= msToSamples(this.timings.min_speech_ms)) {
        this.mode = "speech";
        events.push({ type: "speech_start", t_ms: samplesToMs(this.onset) });
      } else if (this.onset >= 0 && !this.triggered) {
        this.onset = -1; // a blip (or the wake word's own tail): keep waiting
      } else if (this.onset < 0 && this.withTimeout && end - this.armSample >= this.timeoutSamples) {
        this.mode = "idle";
        events.push({ type: "no_speech", t_ms: samplesToMs(end) });
      }
    }
    if (this.mode === "speech") {
      const early = this.timings.early_recognition_ms ?? 0;
      const silence = end - this.lastSpeechEnd;
      // The first chunk that reaches `early` ms of silence (chunks are 32 ms, so exactly one does per pause).
      if (early > 0 && early < this.timings.trailing_silence_ms && this.triggered && silence >= msToSamples(early) && silence - chunk.samples.length < msToSamples(early)) {
        events.push({ type: "speech_pause", t_ms: samplesToMs(end), utterance: this.snapshot(end, "silence") });
      }
      if (!this.triggered) events.push(this.finish(end, "silence"));
      else if (end - this.utteranceStart() >= msToSamples(this.timings.max_utterance_ms)) events.push(this.finish(end, "max_length"));
    }
    if (this.onset < 0) this.trim();
    return events;
  }

  /** End of stream: an utterance in progress ends here; a candidate too short to count is dropped; a wake word still waiting for speech gets `no_speech`. */
  flush(): EndpointEvent[] {
    const last = this.chunks[this.chunks.length - 1];
    if (this.mode !== "speech" || !last) {
      // A wake word with nothing said before the stream ended: the same answer as the timeout, only sooner.
      const noSpeech = this.mode === "waiting" && this.withTimeout && last ? [{ type: "no_speech" as const, t_ms: samplesToMs(last.start + last.samples.length) }] : [];
      this.disarm();
      return noSpeech;
    }
    return [this.finish(last.start + last.samples.length, "end_of_stream")];
  }

  private utteranceStart(): number {
    return Math.max(this.onset - this.preRoll, this.armSample - this.preRoll, this.chunks[0]?.start ?? 0);
  }

  /** The utterance from its start to sample `end`, leaving the state as it is. */
  private snapshot(end: number, reason: Utterance["reason"]): Utterance {
    const start = this.utteranceStart();
    const pcm = new Int16Array(end - start);
    for (const c of this.chunks) {
      const from = Math.max(start, c.start);
      const to = Math.min(end, c.start + c.samples.length);
      if (to > from) pcm.set(c.samples.subarray(from - c.start, to - c.start), from - start);
    }
    return {
      pcm,
      start_ms: samplesToMs(start),
      end_ms: samplesToMs(end),
      speech_start_ms: samplesToMs(this.onset),
      speech_end_ms: samplesToMs(Math.min(this.lastSpeechEnd, end)),
      reason,
      started_at_arm: this.armedInSpeech && this.onset === this.armSample,
    };
  }

  private finish(end: number, reason: Utterance["reason"]): EndpointEvent {
    const utterance = this.snapshot(end, reason);
    // After a forced cut the speaker is still talking: require fresh silence before the next onset.
    if (reason === "max_length") this.triggered = true;
    this.mode = "idle";
    this.onset = -1;
    this.trim();
    return { type: "speech_end", t_ms: utterance.end_ms, utterance };
  }

  /** Keep only the chunks the pre-roll of a future onset can reach. */
  private trim(): void {
    const last = this.chunks[this.chunks.length - 1];
    if (!last) return;
    const keepFrom = last.start + last.samples.length - this.preRoll;
    let drop = 0;
    while (drop < this.chunks.length && this.chunks[drop]!.start + this.chunks[drop]!.samples.length <= keepFrom) drop++;
    if (drop) this.chunks.splice(0, drop);
  }
}
