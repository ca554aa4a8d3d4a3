/**
 * Confidence calibration: a logistic regression from a reading's evidence
 * (classifier probability and margin, unknown words, how fuzzy its slots
 * were, how close it is to a template's words; see recognizer.ts) to the
 * probability that the reading is right. This is Platt scaling (Platt 1999)
 * with several inputs instead of one score, fitted by gradient descent on the
 * log loss over held-apart examples whose truth is known: expansions of the
 * templates the classifier was not trained on, perturbed (typos, dropped,
 * swapped and unknown words) and turned into unrelated requests (their slots
 * or their verbs replaced by unknown words), see perturb.ts. Inputs are
 * standardised first; a small L2 penalty keeps rare evidence from saturating.
 * Weights may be held to a sign (`signs`: more unknown words never raise the
 * confidence, a closer template never lowers it), so that an accident of the
 * synthetic examples cannot turn evidence upside down on real text.
 */

export interface CalibrationExample {
  x: readonly number[];
  /** Whether the reading was right. */
  y: boolean;
}

/** A Calibrator as plain data. */
export interface CalibratorData {
  mean: Float64Array;
  scale: Float64Array;
  weights: Float64Array;
  bias: number;
}

export class Calibrator {
  private constructor(
    private readonly mean: Float64Array,
    private readonly scale: Float64Array,
    private readonly weights: Float64Array,
    private bias: number,
  ) {}

  /**
   * Fit on `examples` (every `x` of one length).
   * @throws Error when there are no examples, or all are right or all wrong (nothing to calibrate against).
   */
  static fit(examples: readonly CalibrationExample[], options: { iterations?: number; l2?: number; signs?: readonly (-1 | 0 | 1)[] } = {}): Calibrator {
    if (examples.length === 0) throw new Error("calibration: no examples");
    const positives = examples.filter((e) => e.y).length;
    if (positives === 0 || positives === examples.length) throw new Error(`calibration: ${positives} of ${examples.length} examples right; need both outcomes`);
    const d = examples[0]!.x.length;
    const mean = new Float64Array(d);
    const scale = new Float64Array(d);
    for (const e of examples) for (let j = 0; j < d; j++) mean[j]! += e.x[j]! / examples.length;
    for (const e of examples) for (let j = 0; j < d; j++) scale[j]! += (e.x[j]! - mean[j]!) ** 2 / examples.length;
    for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
    const z = examples.map((e) => e.x.map((v, j) => (v - mean[j]!) / scale[j]!));
    const weights = new Float64Array(d);
    let bias = Math.log(positives / (examples.length - positives));
    const l2 = options.l2 ?? 1e-3;
    const iterations = options.iterations ?? 400;
    // Adam on the full batch: a few hundred steps suffice for a dozen inputs.
    const m = new Float64Array(d + 1);
    const v = new Float64Array(d + 1);
    const rate = 0.1;
    for (let t = 1; t <= iterations; t++) {
      const grad = new Float64Array(d + 1);
      for (let i = 0; i < z.length; i++) {
        let s = bias;
        for (let j = 0; j < d; j++) s += weights[j]! * z[i]![j]!;
        const err = 1 / (1 + Math.exp(-s)) - (examples[i]!.y ? 1 : 0);
        for (let j = 0; j < d; j++) grad[j]! += (err * z[i]![j]!) / z.length;
        grad[d]! += err / z.length;
      }
      for (let j = 0; j < d; j++) grad[j]! += l2 * weights[j]!;
      for (let j = 0; j <= d; j++) {
        m[j] = 0.9 * m[j]! + 0.1 * grad[j]!;
        v[j] = 0.999 * v[j]! + 0.001 * grad[j]! ** 2;
        const step = (rate * (m[j]! / (1 - 0.9 ** t))) / (Math.sqrt(v[j]! / (1 - 0.999 ** t)) + 1e-8);
        if (j < d) {
          weights[j]! -= step;
          // Evidence keeps the direction it has by its meaning (projected gradient): held-apart text is not real text.
          const sign = options.signs?.[j] ?? 0;
          if (sign !== 0 && Math.sign(weights[j]!) === -sign) weights[j] = 0;
        } else bias -= step;
      }
    }
    return new Calibrator(mean, scale, weights, bias);
  }

  /** The calibrated probability (0..1) that a reading with evidence `x` is right. */
  /** The fit as plain data (structured-cloneable, for build-worker.ts). */
  toData(): CalibratorData {
    return { mean: this.mean, scale: this.scale, weights: this.weights, bias: this.bias };
  }

  /** A calibrator from `toData()`'s output. @throws Error when its arrays differ in length. */
  static fromData(d: CalibratorData): Calibrator {
    if (d.mean.length !== d.weights.length || d.scale.length !== d.weights.length) throw new Error("calibration: mean, scale and weights differ in length");
    return new Calibrator(d.mean, d.scale, d.weights, d.bias);
  }

  confidence(x: readonly number[]): number {
    let s = this.bias;
    for (let j = 0; j < this.weights.length; j++) s += (this.weights[j]! * (x[j]! - this.mean[j]!)) / this.scale[j]!;
    return 1 / (1 + Math.exp(-s));
  }
}

/**
 * Expected calibration error (Naeini et al. 2015): the mean gap between the
 * stated confidence and the share right, over `bins` equal-width bins,
 * weighted by how many predictions fall in each. 0 is perfectly calibrated.
 */
export function expectedCalibrationError(predictions: readonly { confidence: number; right: boolean }[], bins = 10): number {
  if (predictions.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  for (const p of predictions) {
    const b = Math.min(bins - 1, Math.floor(p.confidence * bins));
    count[b]!++;
    conf[b]! += p.confidence;
    right[b]! += p.right ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(conf[b]! - right[b]!) / predictions.length;
  return ece;
}
