import assert from "node:assert/strict";
import { test } from "node:test";
import { letterbox, letterboxGeometry, planarFromBgr } from "../../../models/detector/letterbox.ts";

test("geometry: scale by min(S/w, S/h), floor like YOLOX's int(w * r)", () => {
  assert.deepEqual(letterboxGeometry(640, 480, 416), { size: 416, scaledWidth: 416, scaledHeight: 312, scaleX: 416 / 640, scaleY: 312 / 480 });
  // 432 × 416/768 is 233.99999999999997 in float64: YOLOX, ffmpeg's trunc() and this code all give 233.
  assert.equal(letterboxGeometry(768, 432, 416).scaledHeight, 233);
  assert.equal(letterboxGeometry(375, 500, 416).scaledWidth, 312);
  assert.equal(letterboxGeometry(375, 500, 416).scaledHeight, 416);
});

test("a 4x2 image at scale 1: copied top-left as planar BGR, the rest padded with 114", () => {
  // Pixel (x, y) = RGB (10x + y, 100 + x, 200 + y).
  const rgb = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) rgb.set([10 * x + y, 100 + x, 200 + y], (y * 4 + x) * 3);
  const { tensor, geometry } = letterbox({ rgb, width: 4, height: 2 }, 4);
  assert.equal(geometry.scaledWidth, 4);
  assert.equal(geometry.scaledHeight, 2);
  const at = (plane: number, x: number, y: number) => tensor[plane * 16 + y * 4 + x];
  assert.equal(at(0, 3, 1), 201); // B plane ← blue
  assert.equal(at(1, 3, 1), 103); // G
  assert.equal(at(2, 3, 1), 31); // R plane ← red
  assert.equal(at(2, 0, 0), 0);
  for (let plane = 0; plane < 3; plane++) for (let x = 0; x < 4; x++) assert.equal(at(plane, x, 3), 114);
});

test("upscaling 2x1 → 4x2 interpolates like OpenCV INTER_LINEAR: [0, 100] → [0, 25, 75, 100]", () => {
  const rgb = new Uint8Array([0, 0, 0, 100, 100, 100]);
  const { tensor } = letterbox({ rgb, width: 2, height: 1 }, 4, 7);
  for (const plane of [0, 1, 2]) {
    const rows = [0, 1, 2, 3].map((y) => Array.from(tensor.subarray(plane * 16 + y * 4, plane * 16 + y * 4 + 4)));
    assert.deepEqual(rows, [[0, 25, 75, 100], [0, 25, 75, 100], [7, 7, 7, 7], [7, 7, 7, 7]]);
  }
});

test("downscaling 4x1 → 2x1 averages neighbours (pixel centres at 0.5, 2.5 → 1, 3 blend)", () => {
  // Destination pixel d samples source x = (d + 0.5) * 2 - 0.5 = 0.5 and 2.5.
  const rgb = new Uint8Array([0, 0, 0, 40, 40, 40, 80, 80, 80, 120, 120, 120]);
  const { tensor, geometry } = letterbox({ rgb, width: 4, height: 1 }, 2);
  assert.equal(geometry.scaledWidth, 2);
  assert.equal(geometry.scaledHeight, 1);
  assert.deepEqual(Array.from(tensor.subarray(0, 4)), [20, 100, 114, 114]);
});

test("a buffer that does not match the size is refused", () => {
  assert.throws(() => letterbox({ rgb: new Uint8Array(10), width: 4, height: 2 }, 4), /rgb buffer has 10 bytes, expected 4x2x3 = 24/);
});

test("planarFromBgr de-interleaves without touching values", () => {
  const bgr = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(Array.from(planarFromBgr(bgr, 2)), [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12]);
  assert.throws(() => planarFromBgr(bgr, 3), /expected 3x3x3 = 27/);
});
