/**
 * Cut leading and trailing silence from an utterance before decoding. The
 * PocketSphinx front end normalises cepstra by the utterance mean (CMN
 * "current"), so long silences skew the features; a clip trimmed to the
 * speech plus a margin decodes markedly better (measured in
 * bench/speech-intent.ts).
 *
 * Energy-based: 10 ms frames, the noise floor is the 10th percentile of frame
 * energies, speech is a run of at least `minRunFrames` frames louder than the
 * floor by `thresholdDb` (and not more than 45 dB under the loudest frame).
 * In steady noise the floor rises with it, so the cut stays conservative.
 */

export interface TrimOptions {
  /** Sample rate in Hz (default 16 000). */
  sampleRate?: number;
  /** Kept before the first and after the last speech frame, in ms (default 200). */
  marginMs?: number;
  /** Speech frames are this many dB over the noise floor (default 12). */
  thresholdDb?: number;
  /** Consecutive loud frames needed to count as speech (default 5 = 50 ms). */
  minRunFrames?: number;
}

/** The [start, end) sample range holding speech plus margin; the whole clip when nothing stands out. */
export function speechBounds(pcm: Int16Array, options: TrimOptions = {}): [number, number] {
  const rate = options.sampleRate ?? 16_000;
  const frame = Math.round(rate / 100);
  const frames = Math.floor(pcm.length / frame);
  if (frames < 3) return [0, pcm.length];
  const energyDb = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += pcm[i]! * pcm[i]!;
    energyDb[f] = 10 * Math.log10(sum / frame + 1);
  }
  const sorted = Float64Array.from(energyDb).sort();
  const floor = sorted[Math.floor(frames * 0.1)]!;
  const peak = sorted[frames - 1]!;
  const threshold = Math.max(floor + (options.thresholdDb ?? 12), peak - 45);
  const minRun = options.minRunFrames ?? 5;

  let first = -1;
  let last = -1;
  let run = 0;
  for (let f = 0; f < frames; f++) {
    run = energyDb[f]! > threshold ? run + 1 : 0;
    if (run >= minRun) {
      if (first < 0) first = f - minRun + 1;
      last = f;
    }
  }
  if (first < 0) return [0, pcm.length];
  const margin = Math.round(((options.marginMs ?? 200) * rate) / 1000);
  return [Math.max(0, first * frame - margin), Math.min(pcm.length, (last + 1) * frame + margin)];
}

/** `pcm` without its leading and trailing silence (a view, not a copy). */
export function trimSilence(pcm: Int16Array, options: TrimOptions = {}): Int16Array {
  const [start, end] = speechBounds(pcm, options);
  return pcm.subarray(start, end);
}
