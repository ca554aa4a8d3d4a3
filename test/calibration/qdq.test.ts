import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { collectRanges } from "../../calibration/collect.ts";
import { imageInput } from "../../calibration/detector-inputs.ts";
import { DataType, encodeModel, readModel } from "../../calibration/onnx-model.ts";
import { activationParams, clipSiluInputs, quantizeQdq, quantizeWeights } from "../../calibration/qdq.ts";
import { RangeCollector } from "../../calibration/ranges.ts";

const shared = join(dirname(fileURLToPath(import.meta.url)), "../../../shared");

test("activation parameters keep zero exact; weights are symmetric int8 per channel", () => {
  assert.deepEqual(activationParams({ min: -1, max: 3 }, "uint8"), { scale: 4 / 255, zeroPoint: 64 });
  assert.deepEqual(activationParams({ min: 0.5, max: 2.55 }, "uint8"), { scale: 2.55 / 255, zeroPoint: 0 }, "the range is widened to include 0");
  assert.deepEqual(activationParams({ min: -1, max: 1 }, "int8"), { scale: 2 / 255, zeroPoint: 0 });
  const { q, scales } = quantizeWeights(Float32Array.of(1, -0.5, 0.25, 0, 0.01, -0.04), [2, 3], 0);
  assert.deepEqual([...scales], [Math.fround(1 / 127), Math.fround(0.04 / 127)]);
  assert.deepEqual([...q], [127, -64, 32, 0, 32, -127]);
  const whole = quantizeWeights(Float32Array.of(2, -1), [2], -1);
  assert.deepEqual([...whole.q], [127, -64]);
});

test("Q/DQ placement for onnxruntime and for TensorRT on YOLOX-Nano", async (t) => {
  const file = join(shared, "models/yolox_nano.onnx");
  if (!existsSync(file)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const model = readModel(file);
  const input = await imageInput(join(shared, "data/images/darknet_person.jpg"), 416);
  const feeds = [{ images: new ort.Tensor("float32", input.data, [1, 3, 416, 416]) }];
  const collector = new RangeCollector("minmax");
  await collectRanges(model, feeds, collector);
  const ranges = collector.ranges();

  // SiLU inputs (Conv outputs read by Sigmoid and Mul only) start at -8 at most.
  const clipped = clipSiluInputs(model.graph.node, ranges);
  assert.ok(ranges.get("onnx::Sigmoid_1177")!.min < -8);
  assert.equal(clipped.get("onnx::Sigmoid_1177")!.min, -8);
  assert.deepEqual(clipped.get("input.7"), ranges.get("input.7"));

  const cpu = quantizeQdq(model, ranges, { activationType: "uint8", perChannel: true, floatHead: true });
  const trt = quantizeQdq(model, ranges, { activationType: "uint8", perChannel: true, floatHead: true, placement: "tensorrt" });
  const convOutputs = new Set(model.graph.node.filter((n) => n.opType === "Conv").map((n) => n.output[0]!));
  const quantizedOutputs = (m: typeof model) => m.graph.node.filter((n) => n.opType === "QuantizeLinear" && convOutputs.has(n.input[0]!)).length;
  assert.ok(quantizedOutputs(cpu.model) > 90, "onnxruntime: Conv outputs are quantized so QLinearConv can fuse");
  assert.equal(quantizedOutputs(trt.model), 0, "TensorRT: only Conv inputs");
  const int32Biases = (m: typeof model) => m.graph.initializer.filter((i) => i.dataType === DataType.INT32).length;
  assert.ok(int32Biases(cpu.model) > 90);
  assert.equal(int32Biases(trt.model), 0);
  // The 9 head convolutions (box, objectness, class per stride) stay FP32 in both.
  assert.equal(cpu.quantizedWeights, 104);
  assert.equal(trt.quantizedWeights, 104);
  // Opset raised to 13 for per-channel DequantizeLinear; both models load and run.
  assert.equal(cpu.model.opsetImport[0]!.version, 13);
  for (const m of [cpu.model, trt.model]) {
    const session = await ort.InferenceSession.create(encodeModel(m), { logSeverityLevel: 3 });
    const out = await session.run(feeds[0]!);
    assert.deepEqual(out.output!.dims, [1, 3549, 85]);
  }
});
