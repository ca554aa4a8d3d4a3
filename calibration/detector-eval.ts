/**
 * Compares detector outputs: decodes YOLOX's raw output into boxes and scores
 * F1 of one set of detections against another (matched by class at IoU ≥ 0.5).
 *
 * NOTE: models/detector (vision branch) owns the live YOLOX post-processing; this
 * decoder exists so calibration can run before that merge — unify afterwards.
 */

/** One detection in model-input pixels; `box` = [x1, y1, x2, y2]. */
export interface Detection {
  classId: number;
  score: number;
  box: [number, number, number, number];
}

/**
 * Decode YOLOX output f32[N, 5 + classes] (per anchor: raw cx, cy, w, h, objectness, class
 * scores, sigmoids already applied) over strides 8/16/32 of a square `size` input, keep
 * score = objectness × class score ≥ `scoreThreshold`, then greedy per-class NMS at `nmsIou`.
 * Source: YOLOX `demo_postprocess` + `multiclass_nms` (Megvii-BaseDetection/YOLOX, yolox/utils/demo_utils.py).
 * @throws Error when the output length does not match the anchor grid.
 */
export function decodeYolox(output: Float32Array, size: number, scoreThreshold = 0.3, nmsIou = 0.45, classes = 80): Detection[] {
  const stride = 5 + classes;
  const grids: Array<[number, number, number]> = [];
  for (const s of [8, 16, 32]) {
    const cells = Math.floor(size / s);
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) grids.push([x, y, s]);
  }
  if (output.length !== grids.length * stride) throw new Error(`YOLOX output has ${output.length} values, expected ${grids.length} anchors × ${stride}`);
  const candidates: Detection[] = [];
  grids.forEach(([gx, gy, s], a) => {
    const o = a * stride;
    const objectness = output[o + 4]!;
    if (objectness < scoreThreshold) return;
    let best = 0;
    for (let c = 1; c < classes; c++) if (output[o + 5 + c]! > output[o + 5 + best]!) best = c;
    const score = objectness * output[o + 5 + best]!;
    if (score < scoreThreshold) return;
    const cx = (output[o]! + gx) * s;
    const cy = (output[o + 1]! + gy) * s;
    const w = Math.exp(output[o + 2]!) * s;
    const h = Math.exp(output[o + 3]!) * s;
    candidates.push({ classId: best, score, box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2] });
  });
  candidates.sort((p, q) => q.score - p.score);
  const kept: Detection[] = [];
  for (const d of candidates) if (!kept.some((k) => k.classId === d.classId && iou(k.box, d.box) > nmsIou)) kept.push(d);
  return kept;
}

/** Intersection over union of two [x1, y1, x2, y2] boxes. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
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
