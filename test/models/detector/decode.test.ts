import assert from "node:assert/strict";
import { test } from "node:test";
import { anchorCount, decodeYolox } from "../../../models/detector/decode.ts";
import { letterboxGeometry } from "../../../models/detector/letterbox.ts";

const classes = 3;
const dims = 5 + classes;
const strides = [8, 16, 32];

/** A zero head output for a 64×64 input: 8² + 4² + 2² = 84 anchors. */
function emptyOutput(): Float32Array {
  return new Float32Array(anchorCount(64, strides) * dims);
}

test("anchor count for YOLOX-Nano at 416: 52² + 26² + 13² = 3549", () => {
  assert.equal(anchorCount(416, strides), 3549);
});

test("one anchor decodes to (raw + grid) × stride and exp(raw) × stride, score = obj × best class", () => {
  const out = emptyOutput();
  // Stride-16 grid starts after the 64 stride-8 anchors; cell (gx 2, gy 1) is anchor 64 + 1·4 + 2 = 70.
  const a = 70 * dims;
  out.set([0.5, 0.25, Math.log(2), Math.log(4), 0.8, 0.1, 0.9, 0.3], a);
  const geometry = letterboxGeometry(64, 64, 64);
  const [c, ...rest] = decodeYolox(out, geometry, 64, 64, { inputSize: 64, strides, numClasses: classes, minScore: () => 0.5 });
  assert.equal(rest.length, 0);
  // cx = (0.5 + 2) · 16 = 40, cy = (0.25 + 1) · 16 = 20, w = 2 · 16 = 32, h = 4 · 16 = 64.
  assert.equal(c!.classId, 1);
  assert.ok(Math.abs(c!.score - 0.72) < 1e-6);
  assert.deepEqual(roundBox(c!.box), { x1: 24, y1: 0, x2: 56, y2: 52 }); // y1 = 20 − 32 = −12, clipped to 0
});

test("boxes map back through the letterbox scale to source pixels and clip to the frame", () => {
  const out = emptyOutput();
  const a = 9 * dims; // stride 8, cell (1, 1)
  out.set([0, 0, Math.log(1), Math.log(1), 1, 1, 0, 0], a);
  // A 128×32 source in a 64 canvas: scale 0.5, scaled 64×16.
  const geometry = letterboxGeometry(128, 32, 64);
  const [c] = decodeYolox(out, geometry, 128, 32, { inputSize: 64, strides, numClasses: classes, minScore: () => 0.5 });
  // Canvas box (8 ± 4, 8 ± 4) → source (16 ± 8, 16 ± 8).
  assert.deepEqual(roundBox(c!.box), { x1: 8, y1: 8, x2: 24, y2: 24 });
});

test("per-class thresholds and the class filter drop candidates; the filter applies after argmax", () => {
  const out = emptyOutput();
  out.set([0, 0, 0, 0, 0.9, 0.2, 0.6, 0.1], 0); // best class 1, score 0.54
  out.set([0, 0, 0, 0, 0.9, 0.7, 0.6, 0.1], dims); // best class 0, score 0.63
  const geometry = letterboxGeometry(64, 64, 64);
  const base = { inputSize: 64, strides, numClasses: classes };
  assert.equal(decodeYolox(out, geometry, 64, 64, { ...base, minScore: () => 0.5 }).length, 2);
  assert.equal(decodeYolox(out, geometry, 64, 64, { ...base, minScore: (c) => (c === 1 ? 0.6 : 0.5) }).length, 1);
  // Keeping only class 1: anchor 1's best class is 0, so it is not re-labelled as class 1.
  const only1 = decodeYolox(out, geometry, 64, 64, { ...base, minScore: () => 0.5, classes: new Set([1]) });
  assert.deepEqual(only1.map((c) => c.classId), [1]);
});

test("an output of the wrong length is refused with the expected shape", () => {
  assert.throws(
    () => decodeYolox(new Float32Array(10), letterboxGeometry(64, 64, 64), 64, 64, { inputSize: 64, strides, numClasses: classes, minScore: () => 0.5 }),
    /YOLOX output has 10 values, expected 84x8/,
  );
});

function roundBox(b: { x1: number; y1: number; x2: number; y2: number }) {
  return { x1: Math.round(b.x1 * 1000) / 1000, y1: Math.round(b.y1 * 1000) / 1000, x2: Math.round(b.x2 * 1000) / 1000, y2: Math.round(b.y2 * 1000) / 1000 };
}
