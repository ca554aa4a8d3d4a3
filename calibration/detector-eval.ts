/**
 * Compares two sets of detections: greedy matching by class at IoU ≥ 0.5 and
 * the F1 of one set against the other. YOLOX output is decoded by the live
 * detector's own code (models/detector: grid decode + class-aware NMS), in
 * model-input pixels.
 */
import { iou, type Box } from "../models/detector/box.ts";
import { decodeYolox as decodeGrid, type Candidate } from "../models/detector/decode.ts";
import { letterboxGeometry } from "../models/detector/letterbox.ts";
import { nonMaxSuppression } from "../models/detector/nms.ts";
import { YOLOX_STRIDES } from "../models/detector/yolox.ts";

/** One detection: class id, score and box. */
export type Detection = Pick<Candidate, "classId" | "score"> & { box: Box };

/**
 * Decode YOLOX output f32[anchors, 5 + 80] of a square `size` input into detections in
 * model pixels: score = objectness × class score ≥ `scoreThreshold`, NMS at `nmsIou`.
 * @throws Error when the output length does not match the anchor grid.
 */
export function decodeYolox(output: Float32Array, size: number, scoreThreshold = 0.3, nmsIou = 0.45): Detection[] {
  const identity = letterboxGeometry(size, size, size);
  const candidates = decodeGrid(output, identity, size, size, { inputSize: size, strides: YOLOX_STRIDES, numClasses: 80, minScore: () => scoreThreshold });
  return nonMaxSuppression(candidates, nmsIou);
}

export interface MatchCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Greedy matching (highest score first) of `candidate` to `reference` detections of the same class at IoU ≥ `minIou`. */
export function matchDetections(reference: Detection[], candidate: Detection[], minIou = 0.5): MatchCounts {
  const used = new Set<number>();
  let truePositives = 0;
  for (const d of [...candidate].sort((p, q) => q.score - p.score)) {
    let best = -1;
    let bestIou = minIou;
    reference.forEach((r, i) => {
      if (used.has(i) || r.classId !== d.classId) return;
      const overlap = iou(r.box, d.box);
      if (overlap >= bestIou) (best = i), (bestIou = overlap);
    });
    if (best >= 0) (used.add(best), truePositives++);
  }
  return { truePositives, falsePositives: candidate.length - truePositives, falseNegatives: reference.length - truePositives };
}

/** F1 = 2TP / (2TP + FP + FN); 1 when both sets are empty. */
export function f1Score(counts: MatchCounts): number {
  const denominator = 2 * counts.truePositives + counts.falsePositives + counts.falseNegatives;
  return denominator === 0 ? 1 : (2 * counts.truePositives) / denominator;
}
