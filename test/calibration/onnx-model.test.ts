import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeModel, encodeModel, floatValues, readModel, tensorDims } from "../../calibration/onnx-model.ts";
import { modelLocation } from "../../models/store.ts";
import { manifestEntry } from "../../models/manifest.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");

test("real ONNX models decode with the schema and re-encode byte for byte", (t) => {
  const files = [modelLocation(manifestEntry("oww-embedding")), modelLocation(manifestEntry("oww-alexa"))];
  const yolox = join(shared, "models/yolox_nano.onnx");
  if (existsSync(yolox)) files.push(yolox);
  else t.diagnostic("../shared absent: YOLOX-Nano not checked");
  for (const file of files) {
    const bytes = readFileSync(file);
    const model = readModel(file);
    assert.ok(model.graph.node.length > 0 && model.opsetImport.length > 0, file);
    assert.deepEqual(Buffer.from(encodeModel(model)), bytes, file);
  }
  const alexa = readModel(files[1]!);
  const weight = alexa.graph.initializer.find((i) => i.name === "1.weight")!;
  const dims = tensorDims(weight);
  assert.equal(floatValues(weight).length, dims[0]! * dims[1]!);
});

test("bytes that are not an ONNX model are refused with their source", () => {
  assert.throws(() => decodeModel(Uint8Array.of(0xff, 0xff, 0xff), "junk.onnx"), /junk\.onnx: not an ONNX model/);
  assert.throws(() => decodeModel(new Uint8Array(0), "empty.onnx"), /empty\.onnx: ONNX model has no graph nodes/);
});
