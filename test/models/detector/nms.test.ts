import assert from "node:assert/strict";
import { test } from "node:test";
import { iou } from "../../../models/detector/box.ts";
import { nonMaxSuppression } from "../../../models/detector/nms.ts";

test("IoU of hand-computed boxes", () => {
  // 10×10 boxes overlapping by 5×10: 50 / (100 + 100 − 50) = 1/3.
  assert.equal(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 }), 1 / 3);
  assert.equal(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 10, y1: 0, x2: 20, y2: 10 }), 0);
  assert.equal(iou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 0, y1: 0, x2: 10, y2: 10 }), 1);
});

test("class-aware NMS keeps the best of overlapping boxes of one class, keeps other classes", () => {
  const a = { classId: 0, score: 0.9, box: { x1: 0, y1: 0, x2: 10, y2: 10 } };
  const b = { classId: 0, score: 0.8, box: { x1: 1, y1: 0, x2: 11, y2: 10 } }; // IoU 0.818 with a
  const c = { classId: 1, score: 0.7, box: { x1: 1, y1: 0, x2: 11, y2: 10 } }; // other class: kept
  const d = { classId: 0, score: 0.6, box: { x1: 5, y1: 0, x2: 15, y2: 10 } }; // IoU 1/3 with a: kept at 0.45
  assert.deepEqual(nonMaxSuppression([d, c, b, a], 0.45), [a, c, d]);
  // A threshold below 1/3 suppresses d too.
  assert.deepEqual(nonMaxSuppression([d, c, b, a], 0.3), [a, c]);
});

test("maxKeep caps the result", () => {
  const boxes = [0, 1, 2].map((i) => ({ classId: 0, score: 1 - i / 10, box: { x1: i * 20, y1: 0, x2: i * 20 + 10, y2: 10 } }));
  assert.equal(nonMaxSuppression(boxes, 0.5, 2).length, 2);
});
