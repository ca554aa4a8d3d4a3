import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { imageInput } from "../../calibration/detector-inputs.ts";
import { decodeYolox, f1Score, iou, matchDetections, type Detection } from "../../calibration/detector-eval.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");

test("YOLOX-Nano finds the dog, the bicycle and the car in darknet's dog.jpg", async (t) => {
  if (!existsSync(join(shared, "models/yolox_nano.onnx"))) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const input = await imageInput(join(shared, "data/images/darknet_dog.jpg"), 416);
  const session = await ort.InferenceSession.create(join(shared, "models/yolox_nano.onnx"));
  const out = await session.run({ images: new ort.Tensor("float32", input.data, [1, 3, 416, 416]) });
  const detections = decodeYolox(out.output!.data as Float32Array, 416, 0.4);
  // COCO ids: 1 bicycle, 2 car (or 7 truck), 16 dog.
  const classes = new Set(detections.map((d) => d.classId));
  assert.ok(classes.has(16) && classes.has(1), `classes ${[...classes]}`);
  const dog = detections.find((d) => d.classId === 16)!;
  // The dog sits in the lower left of the 768x576 photo; boxes are in model pixels.
  const [x1, y1, x2, y2] = dog.box.map((v) => v / input.ratio);
  assert.ok(x1! < 200 && x2! < 400 && y1! > 150 && y2! > 450, `dog box ${dog.box}`);
});

test("matching and F1 count by class at IoU 0.5", () => {
  const box = (x: number, classId = 0, score = 0.9): Detection => ({ classId, score, box: [x, 0, x + 10, 10] });
  assert.equal(iou([0, 0, 10, 10], [5, 0, 15, 10]), 1 / 3);
  const counts = matchDetections([box(0), box(100), box(200, 3)], [box(1), box(100, 2), box(300)]);
  assert.deepEqual(counts, { truePositives: 1, falsePositives: 2, falseNegatives: 2 });
  assert.equal(f1Score(counts), 2 / 6);
  assert.equal(f1Score({ truePositives: 0, falsePositives: 0, falseNegatives: 0 }), 1);
  assert.throws(() => decodeYolox(new Float32Array(10), 416), /YOLOX output has 10 values, expected 3549 anchors × 85/);
});
