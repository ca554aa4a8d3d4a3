import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { imageInput } from "../../calibration/detector-inputs.ts";
import { decodeYolox, f1Score, matchDetections, type Detection } from "../../calibration/detector-eval.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");

test("a detection set matched against itself has F1 1; the dog is found in model pixels", async (t) => {
  if (!existsSync(join(shared, "models/yolox_nano.onnx"))) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const input = await imageInput(join(shared, "data/images/darknet_dog.jpg"), 416);
  assert.equal(input.width, 768);
  assert.equal(input.ratio, 416 / 768);
  const session = await ort.InferenceSession.create(join(shared, "models/yolox_nano.onnx"));
  const out = await session.run({ images: new ort.Tensor("float32", input.data, [1, 3, 416, 416]) });
  const detections = decodeYolox(out.output!.data as Float32Array, 416, 0.4);
  const dog = detections.find((d) => d.classId === 16);
  assert.ok(dog, `COCO class 16 (dog) among ${detections.map((d) => d.classId)}`);
  // The dog sits in the lower left of the 768x576 photo.
  assert.ok(dog.box.x1 / input.ratio < 200 && dog.box.y2 / input.ratio > 450, JSON.stringify(dog.box));
  assert.equal(f1Score(matchDetections(detections, detections)), 1);
});

test("matching and F1 count by class at IoU 0.5", () => {
  const at = (x: number, classId = 0, score = 0.9): Detection => ({ classId, score, box: { x1: x, y1: 0, x2: x + 10, y2: 10 } });
  // Same class, IoU 9/11 ≥ 0.5 → match; wrong class; no overlap.
  const counts = matchDetections([at(0), at(100), at(200, 3)], [at(1), at(100, 2), at(300)]);
  assert.deepEqual(counts, { truePositives: 1, falsePositives: 2, falseNegatives: 2 });
  assert.equal(f1Score(counts), 2 / 6);
  assert.deepEqual(matchDetections([at(0)], [at(6)]), { truePositives: 0, falsePositives: 1, falseNegatives: 1 }, "IoU 4/16 is below 0.5");
  assert.equal(f1Score({ truePositives: 0, falsePositives: 0, falseNegatives: 0 }), 1);
  assert.throws(() => decodeYolox(new Float32Array(10), 416), /YOLOX output has 10 values/);
});
