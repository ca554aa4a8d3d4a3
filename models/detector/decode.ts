/**
 * YOLOX head decoding (Megvii YOLOX `demo_postprocess` + `postprocess`): the
 * export emits, per anchor point of the stride-8/16/32 grids, raw box offsets,
 * a sigmoided objectness and 80 sigmoided class scores. Centre = (raw + grid
 * cell) × stride, size = exp(raw) × stride; score = objectness × best class score.
 */
import type { Box } from "./box.ts";
import type { LetterboxGeometry } from "./letterbox.ts";

/** A decoded, unsuppressed candidate in source-frame pixels. */
export interface Candidate {
  classId: number;
  score: number;
  box: Box;
}

export interface DecodeOptions {
  /** Network input side S (416 for YOLOX-Nano). */
  inputSize: number;
  /** Feature strides in the order the head concatenates them. */
  strides: readonly number[];
  numClasses: number;
  /** Minimum score for each class id (score = objectness × class score). */
  minScore: (classId: number) => number;
  /** Class ids to keep; all when undefined. */
  classes?: ReadonlySet<number>;
}

/** Number of anchor points for an S×S input: Σ (S/stride)². */
export function anchorCount(inputSize: number, strides: readonly number[]): number {
  return strides.reduce((n, s) => n + (inputSize / s) ** 2, 0);
}

/**
 * Decode the head output `[anchors, 5 + numClasses]` (row-major) into
 * candidates whose boxes are mapped back through the letterbox to source
 * pixels and clipped to the source frame (`sourceWidth`×`sourceHeight`).
 * @throws Error when the output length does not match the anchor grid.
 */
export function decodeYolox(output: Float32Array, geometry: LetterboxGeometry, sourceWidth: number, sourceHeight: number, options: DecodeOptions): Candidate[] {
  const { inputSize, strides, numClasses } = options;
  const dims = 5 + numClasses;
  const anchors = anchorCount(inputSize, strides);
  if (output.length !== anchors * dims) {
    throw new Error(`YOLOX output has ${output.length} values, expected ${anchors}x${dims} for input ${inputSize} and strides ${strides.join("/")}`);
  }
  let lowest = 1;
  for (let c = 0; c < numClasses; c++) lowest = Math.min(lowest, options.minScore(c));
  const candidates: Candidate[] = [];
  let anchor = 0;
  for (const stride of strides) {
    const cells = inputSize / stride;
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++, anchor++) {
        const o = anchor * dims;
        const objectness = output[o + 4];
        // score = obj × cls ≤ obj: most anchors end here.
        if (objectness < lowest) continue;
        let classId = 0;
        let best = output[o + 5];
        for (let c = 1; c < numClasses; c++) {
          const v = output[o + 5 + c];
          if (v > best) {
            best = v;
            classId = c;
          }
        }
        const score = objectness * best;
        if (score < options.minScore(classId)) continue;
        if (options.classes && !options.classes.has(classId)) continue;
        const cx = (output[o] + gx) * stride;
        const cy = (output[o + 1] + gy) * stride;
        const w = Math.exp(output[o + 2]) * stride;
        const h = Math.exp(output[o + 3]) * stride;
        candidates.push({
          classId,
          score,
          box: {
            x1: clamp((cx - w / 2) / geometry.scaleX, sourceWidth),
            y1: clamp((cy - h / 2) / geometry.scaleY, sourceHeight),
            x2: clamp((cx + w / 2) / geometry.scaleX, sourceWidth),
            y2: clamp((cy + h / 2) / geometry.scaleY, sourceHeight),
          },
        });
      }
    }
  }
  return candidates;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
