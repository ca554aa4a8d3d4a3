/**
 * Multinomial logistic regression (softmax) over sparse binary features,
 * trained by stochastic gradient descent with AdaGrad step sizes (Duchi,
 * Hazan and Singer 2011) and L2 decay. Features never seen in training have
 * no weight, so words hearth does not know add nothing to any class: the
 * calibration (calibration.ts) counts them instead.
 */

export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  random: () => number;
}

/** A SoftmaxClassifier as plain data. */
export interface SoftmaxData {
  vocabulary: Map<string, number>;
  weights: Float32Array;
  bias: Float32Array;
  classes: number;
}

export class SoftmaxClassifier {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    readonly classes: number,
  ) {}

  /**
   * Train on `samples` (feature strings and a class index in [0, classes)).
   * @throws Error when there are no samples or a class index is out of range.
   */
  static train(samples: readonly { features: readonly string[]; label: number }[], classes: number, options: SoftmaxOptions): SoftmaxClassifier {
    if (samples.length === 0) throw new Error("softmax: no training samples");
    const vocabulary = new Map<string, number>();
    const encoded = samples.map((s) => {
      if (s.label < 0 || s.label >= classes) throw new Error(`softmax: label ${s.label} outside 0..${classes - 1}`);
      return { ids: s.features.map((f) => vocabulary.get(f) ?? (vocabulary.set(f, vocabulary.size), vocabulary.size - 1)), label: s.label };
    });
    const weights = new Float32Array(vocabulary.size * classes);
    const squares = new Float32Array(vocabulary.size * classes).fill(1e-6);
    const bias = new Float32Array(classes);
    const biasSquares = new Float32Array(classes).fill(1e-6);
    const model = new SoftmaxClassifier(vocabulary, weights, bias, classes);
    const order = encoded.map((_, i) => i);
    const probs = new Float64Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(options.random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const index of order) {
        const { ids, label } = encoded[index]!;
        model.scores(ids, probs);
        for (let c = 0; c < classes; c++) {
          const g = probs[c]! - (c === label ? 1 : 0);
          // Classes the sample barely touches cost most of the time and teach nothing.
          if (Math.abs(g) < 1e-3) continue;
          biasSquares[c]! += g * g;
          bias[c]! -= (options.learningRate * g) / Math.sqrt(biasSquares[c]!);
          for (const id of ids) {
            const k = id * classes + c;
            const grad = g + options.l2 * weights[k]!;
            squares[k]! += grad * grad;
            weights[k]! -= (options.learningRate * grad) / Math.sqrt(squares[k]!);
          }
        }
      }
    }
    return model;
  }

  /** Class probabilities into `out` for feature ids. */
  private scores(ids: readonly number[], out: Float64Array): void {
    const { classes, weights, bias } = this;
    for (let c = 0; c < classes; c++) out[c] = bias[c]!;
    for (const id of ids) {
      const base = id * classes;
      for (let c = 0; c < classes; c++) out[c]! += weights[base + c]!;
    }
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (out[c]! > max) max = out[c]!;
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[c] = Math.exp(out[c]! - max);
    for (let c = 0; c < classes; c++) out[c]! /= sum;
  }

  /** The trained weights as plain data (structured-cloneable: a worker thread builds the model, build-worker.ts). */
  toData(): SoftmaxData {
    return { vocabulary: this.vocabulary, weights: this.weights, bias: this.bias, classes: this.classes };
  }

  /** A classifier from `toData()`'s output. @throws Error when the arrays do not fit the vocabulary and classes. */
  static fromData(d: SoftmaxData): SoftmaxClassifier {
    if (d.weights.length !== d.vocabulary.size * d.classes || d.bias.length !== d.classes) throw new Error("softmax: weights do not match the vocabulary and classes");
    return new SoftmaxClassifier(d.vocabulary, d.weights, d.bias, d.classes);
  }

  /** Probabilities of every class for a feature list (unknown features are ignored). */
  predict(features: readonly string[]): Float64Array {
    const ids: number[] = [];
    for (const f of features) {
      const id = this.vocabulary.get(f);
      if (id !== undefined) ids.push(id);
    }
    const out = new Float64Array(this.classes);
    this.scores(ids, out);
    return out;
  }
}
