import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { readModel } from "../../calibration/onnx-model.ts";
import { quantizeWakeWord, type WakeWordQuantizeReport } from "../../calibration/wakeword-quantize.ts";

const wakeword = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/data/wakeword");

test("the openWakeWord embedding model is quantized on real recordings and keeps the alexa scores", async (t) => {
  if (!existsSync(wakeword)) return t.skip("../shared absent: ../shared/data/wakeword");
  const out = mkdtempSync(join(tmpdir(), "hearth-oww-int8-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const report = await quantizeWakeWord({
    modelId: "oww-embedding",
    data: wakeword,
    method: "percentile",
    outDir: out,
    activationType: "uint8",
    perChannel: true,
    floatHead: true,
    maxInputs: 8,
    benchRuns: 5,
  });
  assert.deepEqual(JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as WakeWordQuantizeReport, JSON.parse(JSON.stringify(report)));
  assert.equal(report.keyword, "oww-alexa");
  assert.equal(report.calibration_inputs, 4);
  assert.equal(report.held_out_inputs, 4);
  assert.ok(report.calibration_windows > 4 * 20, "one window per 80 ms frame");
  assert.equal(report.verdict, report.speedup >= 1.5 && report.detection_changes === 0 ? "int8" : "fp32");
  // Tolerance: scores move by a few thousandths on average and no recording flips.
  assert.ok(report.score_delta < 0.02, `mean score difference ${report.score_delta}`);
  assert.equal(report.detection_changes, 0);
  const qdq = readModel(report.files.qdq_model);
  assert.ok(qdq.graph.node.some((n) => n.opType === "QuantizeLinear"));
  const session = await ort.InferenceSession.create(report.files.qdq_model, { logSeverityLevel: 3 });
  const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", new Float32Array(76 * 32).fill(1), [1, 76, 32, 1]) });
  assert.deepEqual(result[session.outputNames[0]!]!.dims, [1, 1, 1, 96]);
});

test("only openWakeWord models are accepted", async () => {
  await assert.rejects(
    quantizeWakeWord({ modelId: "yolox-nano", data: wakeword, method: "minmax", outDir: tmpdir(), activationType: "uint8", perChannel: true, floatHead: true }),
    /model yolox-nano is not an openWakeWord embedding or keyword model/,
  );
});
