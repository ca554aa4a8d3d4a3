/**
 * Input level normalisation for the openWakeWord features: a peak-aware,
 * attenuate-only gain (a slow AGC) applied to each 80 ms frame before the
 * melspectrogram, so a speaker close to the microphone or a loud recording
 * reaches the models at about the level of normal speech.
 *
 * Algorithm (per 1280-sample frame, levels in dBFS: 0 dBFS = a sample of
 * magnitude 32768, int16 full scale):
 * 1. `peak` = the frame's largest |sample|, in dBFS.
 * 2. Peak envelope with instant attack and slow release:
 *    `envelope = max(peak, envelope − release_db_per_s × 0.08 s)`.
 *    The frame's own peak is known before the frame is scored, so the attack
 *    needs no look-ahead latency; the slow release keeps the gain steady over
 *    a word (a gain that followed each syllable would reshape the spectrum's
 *    envelope the embedding model reads).
 * 3. Gain (dB) = `min(0, target_peak_dbfs − envelope)`: only loud input is
 *    attenuated. Quieter input passes unchanged, so background noise in a
 *    quiet room is never amplified into a false accept.
 * 4. The linear gain ramps from the previous frame's value to this one's
 *    across the frame (no gain step inside the audio, which would add a click
 *    to the spectrum).
 *
 * The result stays float32 in int16 range (what the melspectrogram model
 * expects) and is never re-quantised or re-clipped. Attenuation cannot undo
 * clipping that happened before the audio reached hearth; it keeps the level
 * of near-full-scale audio where the models see normal speech.
 */

/** Level normalisation settings (config `wakeword.level`). */
export interface LevelOptions {
  /** Off: frames pass unchanged. */
  enabled: boolean;
  /** Peak level loud input is brought down to, dBFS (≤ 0). */
  target_peak_dbfs: number;
  /** How fast the peak envelope falls after a loud passage, dB per second. */
  release_db_per_s: number;
}

/** Samples per frame the normaliser works on (openWakeWord's 80 ms step at 16 kHz). */
const FRAME_SECONDS = 0.08;
const FULL_SCALE = 32768;

/** dBFS of a sample magnitude (−Infinity for 0). */
export function toDbfs(magnitude: number): number {
  return 20 * Math.log10(magnitude / FULL_SCALE);
}

/** Streaming peak-aware gain for one audio stream; see the module comment for the algorithm. */
export class LevelNormalizer {
  private envelope = -Infinity;
  private gain = 1;

  /**
   * @throws RangeError when the target is above 0 dBFS or the release is not positive (names the field).
   */
  constructor(private readonly options: LevelOptions) {
    if (!(options.target_peak_dbfs <= 0)) throw new RangeError(`wakeword.level.target_peak_dbfs must be ≤ 0 dBFS, got ${options.target_peak_dbfs}`);
    if (!(options.release_db_per_s > 0)) throw new RangeError(`wakeword.level.release_db_per_s must be > 0, got ${options.release_db_per_s}`);
  }

  /** Gain applied at the end of the last frame, dB (0 = unchanged, negative = attenuated). */
  get gainDb(): number {
    return 20 * Math.log10(this.gain);
  }

  /**
   * Normalise one frame (int16 samples of any length; openWakeWord uses 1280) into `out` (float32, int16 range).
   * @throws RangeError when `out` is shorter than `frame`.
   */
  process(frame: Int16Array, out: Float32Array = new Float32Array(frame.length)): Float32Array {
    if (out.length < frame.length) throw new RangeError(`output of ${out.length} samples for a frame of ${frame.length}`);
    if (!this.options.enabled) {
      for (let i = 0; i < frame.length; i++) out[i] = frame[i]!;
      return out;
    }
    let peak = 0;
    for (let i = 0; i < frame.length; i++) peak = Math.max(peak, Math.abs(frame[i]!));
    this.envelope = Math.max(toDbfs(peak), this.envelope - this.options.release_db_per_s * FRAME_SECONDS);
    const target = 10 ** (Math.min(0, this.options.target_peak_dbfs - this.envelope) / 20);
    const from = this.gain;
    const n = frame.length;
    for (let i = 0; i < n; i++) out[i] = frame[i]! * (from + ((target - from) * (i + 1)) / n);
    this.gain = target;
    return out;
  }

  /** Back to the state of a new stream (no loud past: unity gain). */
  reset(): void {
    this.envelope = -Infinity;
    this.gain = 1;
  }
}
