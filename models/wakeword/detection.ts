/**
 * Scores to detections, per keyword model, the way openWakeWord's `Model.predict`
 * options work: a detection needs `patience` consecutive frames at or above
 * `threshold`; after one, the model is silent for `refractory_ms` (media time).
 */

/** One wake word detection. */
export interface WakeWordDetection {
  model: string;
  /** Highest score among the frames that made up the detection (0..1). */
  score: number;
  /** End of the frame that completed the detection, ms of media time since the stream started. */
  t_ms: number;
}

/** Per-frame scores of every model. */
export type WakeWordScores = Record<string, number>;

/** What a wake word engine returns for each call. */
export interface WakeWordResult {
  /** Highest score per model over the frames completed by this call (0 when none completed). */
  scores: WakeWordScores;
  /** Every completed frame, in order: its end time (ms) and scores. */
  frames: Array<{ t_ms: number; scores: WakeWordScores }>;
  detections: WakeWordDetection[];
}

/** A streaming wake word engine for one audio stream (openWakeWord or Porcupine). */
export interface WakeWordEngine {
  readonly backend: "openwakeword" | "porcupine";
  /** Model names, as they appear in scores and detections. */
  readonly models: readonly string[];
  /** Feed 16 kHz mono int16 samples of any length; results do not depend on the chunking. */
  process(samples: Int16Array): Promise<WakeWordResult>;
  /** Start a new stream at t = 0. */
  reset(): Promise<void>;
}

export interface GateOptions {
  threshold: number;
  patience: number;
  refractory_ms: number;
}

/** Threshold + patience + refractory period for one model. */
export class DetectionGate {
  private run = 0;
  private runMax = 0;
  private quietUntil = -Infinity;

  constructor(readonly model: string, private readonly options: GateOptions) {}

  /** Feed one frame's score at media time `t_ms`; returns a detection when one completes. */
  update(score: number, t_ms: number): WakeWordDetection | null {
    if (t_ms < this.quietUntil || score < this.options.threshold) {
      this.run = 0;
      this.runMax = 0;
      return null;
    }
    this.run++;
    this.runMax = Math.max(this.runMax, score);
    if (this.run < this.options.patience) return null;
    const detection = { model: this.model, score: this.runMax, t_ms };
    this.run = 0;
    this.runMax = 0;
    this.quietUntil = t_ms + this.options.refractory_ms;
    return detection;
  }

  reset(): void {
    this.run = 0;
    this.runMax = 0;
    this.quietUntil = -Infinity;
  }
}
