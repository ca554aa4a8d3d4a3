import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { decodeCalibrationTable, dynamicRanges, readCalibrationTable, writeCalibrationTable } from "../../calibration/calibration-table.ts";
import { collectRanges } from "../../calibration/collect.ts";
import { imageInput } from "../../calibration/detector-inputs.ts";
import { readModel } from "../../calibration/onnx-model.ts";
import { RangeCollector } from "../../calibration/ranges.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");

test("a TensorRT calibration table from real activations is written and read back", async (t) => {
  const modelFile = join(shared, "models/yolox_nano.onnx");
  if (!existsSync(modelFile)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const model = readModel(modelFile);
  const collector = new RangeCollector("minmax");
  const feeds = [];
  for (const image of ["darknet_dog.jpg", "darknet_person.jpg"]) {
    const input = await imageInput(join(shared, "data/images", image), 416);
    feeds.push({ images: new ort.Tensor("float32", input.data, [1, 3, 416, 416]) });
  }
  await collectRanges(model, feeds, collector);
  const ranges = collector.ranges();
  // Every node output of the graph is calibrated, plus the input image.
  assert.equal(ranges.size, model.graph.node.length + 1);
  assert.ok(ranges.get("images")!.max > 250 && ranges.get("images")!.min >= 0);

  const dir = mkdtempSync(join(tmpdir(), "hearth-caltable-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "yolox-nano.calibration.flatbuffers");
  writeCalibrationTable(path, ranges);
  const table = readCalibrationTable(path);
  const expected = dynamicRanges(ranges);
  assert.deepEqual([...table.keys()].sort(), [...expected.keys()].sort());
  for (const [name, value] of expected) assert.equal(Math.fround(table.get(name)!), Math.fround(value), name);
  assert.ok([...table.keys()].some((k) => k.includes("::")), "ONNX names with ':' survive (the reason for the FlatBuffer format)");
});

test("a file that is not a calibration table is refused with its name", () => {
  assert.throws(() => decodeCalibrationTable(Uint8Array.of(1, 2, 3), "x.flatbuffers"), /x\.flatbuffers: too short for a calibration table/);
});
