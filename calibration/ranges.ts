/**
 * Activation range collection for post-training quantization. Every method
 * first records each tensor's min and max over the calibration set; the
 * histogram methods then bin |x| into 2048 bins over [0, max|x|] in a second
 * pass and pick a clipping threshold T, giving the range [max(min,-T), min(max,T)].
 *
 * - minmax: the observed range (no clipping).
 * - percentile: T = the given percentile of |x| (default 99.999 %).
 * - entropy: T minimising the KL divergence between the clipped reference
 *   distribution and its 128-level quantized version — TensorRT's entropy
 *   calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017).
 */

export type CalibrationMethod = "minmax" | "percentile" | "entropy";
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ["minmax", "percentile", "entropy"];

/** A float range of one tensor, in the tensor's own units. */
export interface TensorRange {
  min: number;
  max: number;
}

const BINS = 2048;
const QUANTIZED_BINS = 128;

interface Stats {
  min: number;
  max: number;
  histogram?: Float64Array;
}

/** Accumulates per-tensor statistics over calibration runs. */
export class RangeCollector {
  private readonly stats = new Map<string, Stats>();

  constructor(readonly method: CalibrationMethod, readonly percentile = 99.999) {
    if (!(percentile > 0 && percentile <= 100)) throw new Error(`percentile must be in (0, 100], got ${percentile}`);
  }

  /** True when the method needs the histogram pass after the min/max pass. */
  get needsHistogram(): boolean {
    return this.method !== "minmax";
  }

  /** Pass 1: widen the tensor's min/max. */
  observeMinMax(name: string, values: Float32Array): void {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const s = this.stats.get(name);
    if (!s) this.stats.set(name, { min, max });
    else {
      s.min = Math.min(s.min, min);
      s.max = Math.max(s.max, max);
    }
  }

  /** Pass 2: add |x| to the tensor's histogram over [0, max|x| from pass 1]. */
  observeHistogram(name: string, values: Float32Array): void {
    const s = this.stats.get(name);
    if (!s) throw new Error(`tensor ${name}: histogram before min/max pass`);
    const absMax = Math.max(Math.abs(s.min), Math.abs(s.max));
    s.histogram ??= new Float64Array(BINS);
    if (absMax === 0) {
      s.histogram[0]! += values.length;
      return;
    }
    const perBin = BINS / absMax;
    const h = s.histogram;
    for (let i = 0; i < values.length; i++) {
      const bin = Math.min(BINS - 1, Math.floor(Math.abs(values[i]!) * perBin));
      h[bin]!++;
    }
  }

  /** Tensor names observed so far. */
  names(): string[] {
    return [...this.stats.keys()];
  }

  /** The calibrated range of every observed tensor. */
  ranges(): Map<string, TensorRange> {
    const out = new Map<string, TensorRange>();
    for (const [name, s] of this.stats) {
      if (this.method === "minmax" || !s.histogram) {
        out.set(name, { min: s.min, max: s.max });
        continue;
      }
      const absMax = Math.max(Math.abs(s.min), Math.abs(s.max));
      const binWidth = absMax / BINS;
      const edge = this.method === "percentile" ? percentileBin(s.histogram, this.percentile) : entropyBin(s.histogram);
      const threshold = edge * binWidth;
      out.set(name, { min: Math.max(s.min, -threshold), max: Math.min(s.max, threshold) });
    }
    return out;
  }
}

/** Upper edge (in bins) below which `percentile` % of the mass lies. */
export function percentileBin(histogram: Float64Array, percentile: number): number {
  let total = 0;
  for (const c of histogram) total += c;
  const target = (total * percentile) / 100;
  let cumulative = 0;
  for (let i = 0; i < histogram.length; i++) {
    cumulative += histogram[i]!;
    if (cumulative >= target) return i + 1;
  }
  return histogram.length;
}

/**
 * Upper edge (in bins) minimising KL(P||Q), where P is the histogram clipped at
 * that edge (outliers folded into the last bin) and Q is P merged into 128
 * levels and expanded back over P's non-empty bins.
 */
export function entropyBin(histogram: Float64Array): number {
  const n = histogram.length;
  let total = 0;
  for (const c of histogram) total += c;
  if (total === 0) return n;
  let best = n;
  let bestDivergence = Infinity;
  const stride = 8;
  for (let edge = QUANTIZED_BINS; edge <= n; edge += stride) {
    const p = Float64Array.from(histogram.subarray(0, edge));
    let outliers = 0;
    for (let i = edge; i < n; i++) outliers += histogram[i]!;
    p[edge - 1]! += outliers;
    const q = new Float64Array(edge);
    const perLevel = edge / QUANTIZED_BINS;
    for (let level = 0; level < QUANTIZED_BINS; level++) {
      const start = Math.floor(level * perLevel);
      const end = level === QUANTIZED_BINS - 1 ? edge : Math.floor((level + 1) * perLevel);
      let sum = 0;
      let nonZero = 0;
      for (let i = start; i < end; i++) {
        sum += histogram[i]!;
        if (histogram[i]! > 0) nonZero++;
      }
      if (nonZero === 0) continue;
      const share = sum / nonZero;
      for (let i = start; i < end; i++) if (histogram[i]! > 0) q[i] = share;
    }
    const divergence = klDivergence(p, q);
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = edge;
    }
  }
  return best;
}

/** KL(P||Q) of two unnormalised histograms; bins where Q is 0 but P is not are smoothed. */
function klDivergence(p: Float64Array, q: Float64Array): number {
  let sumP = 0;
  let sumQ = 0;
  for (let i = 0; i < p.length; i++) {
    sumP += p[i]!;
    sumQ += q[i]!;
  }
  if (sumP === 0 || sumQ === 0) return Infinity;
  const epsilon = 1e-4 / p.length;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sumP;
    if (pi === 0) continue;
    const qi = Math.max(q[i]! / sumQ, epsilon);
    divergence += pi * Math.log(pi / qi);
  }
  return divergence;
}
