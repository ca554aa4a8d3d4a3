/**
 * `hearth calibrate quantize` for the detector: calibrate activation ranges on
 * real frames, write a QDQ INT8 model and a TensorRT calibration table, then
 * measure the INT8 model against FP32 on held-out frames (F1 of matched
 * detections at IoU 0.5) and on CPU speed, and write report.md + report.json
 * with the verdict: use INT8 only when it meets both targets, else keep FP32.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { logger } from "../agent/log.ts";
import { manifestEntry } from "../models/manifest.ts";
import { modelPath, sha256File } from "../models/store.ts";
import { calibrateAndWrite } from "./calibrate-and-write.ts";
import type { Feeds } from "./collect.ts";
import { collectDetectorInputs, type DetectorInput } from "./detector-inputs.ts";
import { decodeYolox, f1Score, matchDetections, type MatchCounts } from "./detector-eval.ts";
import { readModel } from "./onnx-model.ts";
import type { QdqOptions } from "./qdq.ts";
import type { CalibrationMethod } from "./ranges.ts";

const log = logger("calibration/quantize");

/** The targets a quantized model must meet to replace FP32 (issue: YOLOX-Nano INT8 on CPU). */
export const TARGETS = { speedup: 1.5, f1: 0.95 } as const;

export interface QuantizeRequest extends QdqOptions {
  modelId: string;
  /** Video file or directory of images. */
  data: string;
  method: CalibrationMethod;
  /** Percentile for `percentile` (default 99.9). */
  percentile?: number;
  outDir: string;
  /** Model store directory (default: see storeDir). */
  storeDir?: string;
  /** Frames per second sampled from a video. */
  fps?: number;
  /** At most this many inputs in all; alternate ones calibrate, the others are held out. */
  maxInputs?: number;
  /** Timed runs per model for the speed figure. */
  benchRuns?: number;
  /** Progress: phase name, done, total. */
  progress?: (phase: string, done: number, total: number) => void;
}

export interface QuantizeReport {
  model: string;
  method: CalibrationMethod;
  percentile?: number;
  options: QdqOptions;
  calibration_inputs: number;
  held_out_inputs: number;
  data: string;
  fp32_ms: number;
  int8_ms: number;
  bench_runs: number;
  /** FP32 / INT8 latency on CPU, one intra-op thread: the fastest of the alternating runs. */
  speedup: number;
  /** F1 of INT8 detections matched to FP32 detections (same class, IoU ≥ 0.5) on held-out inputs. */
  f1: number;
  matches: MatchCounts;
  /** Mean |INT8 − FP32| of the best detection score per held-out input. */
  score_delta: number;
  quantized_tensors: number;
  quantized_weights: number;
  float_nodes: number;
  targets: typeof TARGETS;
  /** `int8`: the QDQ model meets both targets; `fp32`: the agent keeps the FP32 model. */
  verdict: "int8" | "fp32";
  reason: string;
  /** `qdq_sha256` lets the agent verify the INT8 file it loads (config `models.int8`). */
  files: { qdq_model: string; qdq_sha256: string; calibration_table: string };
}

const tensorOf = (input: DetectorInput, size: number): Feeds => ({ images: new ort.Tensor("float32", input.data, [1, 3, size, size]) });

/**
 * Fastest of `runs` inferences per model, the two models alternating run by run: on a
 * shared machine other processes only ever add time, so the minimum is the stable figure.
 */
async function fastestLatencies(a: ort.InferenceSession, b: ort.InferenceSession, feeds: Feeds, runs: number, progress: (done: number) => void): Promise<[number, number]> {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await a.run(feeds);
    bestA = Math.min(bestA, performance.now() - started);
    started = performance.now();
    await b.run(feeds);
    bestB = Math.min(bestB, performance.now() - started);
    progress(i + 1);
  }
  return [bestA, bestB];
}

/**
 * Quantize a detector model and measure it.
 * @throws Error for a non-detector model, unusable data, or a model onnxruntime cannot run.
 */
export async function quantizeDetector(request: QuantizeRequest): Promise<QuantizeReport> {
  const entry = manifestEntry(request.modelId);
  if (entry.role !== "detector") throw new Error(`calibrate quantize: model ${entry.id} has role ${entry.role}; only detector models are supported so far`);
  const size = entry.preprocessing?.shape[2] ?? 416;
  const source = await modelPath(entry.id, request.storeDir);
  const progress = request.progress ?? (() => {});

  const inputs = await collectDetectorInputs(request.data, size, { fps: request.fps ?? 1, limit: request.maxInputs });
  if (inputs.length < 2) throw new Error(`${request.data}: need at least 2 inputs (one to calibrate, one held out), found ${inputs.length}`);
  const calibration = inputs.filter((_, i) => i % 2 === 0);
  const heldOut = inputs.filter((_, i) => i % 2 === 1);

  const model = readModel(source);
  const { options, quantized, qdqPath, tablePath } = await calibrateAndWrite(model, calibration.map((i) => tensorOf(i, size)), {
    ...request,
    modelId: entry.id,
    progress: (done: number, total: number) => progress("calibrate", done, total),
  });

  const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ["cpu"], intraOpNumThreads: 1, graphOptimizationLevel: "all", logSeverityLevel: 3 };
  const fp32 = await ort.InferenceSession.create(source, sessionOptions);
  const int8 = await ort.InferenceSession.create(qdqPath, sessionOptions);
  const matches: MatchCounts = { truePositives: 0, falsePositives: 0, falseNegatives: 0 };
  let scoreDelta = 0;
  for (const [k, input] of heldOut.entries()) {
    const feeds = tensorOf(input, size);
    const reference = decodeYolox((await fp32.run(feeds)).output!.data as Float32Array, size);
    const candidate = decodeYolox((await int8.run(feeds)).output!.data as Float32Array, size);
    const m = matchDetections(reference, candidate);
    matches.truePositives += m.truePositives;
    matches.falsePositives += m.falsePositives;
    matches.falseNegatives += m.falseNegatives;
    scoreDelta += Math.abs((reference[0]?.score ?? 0) - (candidate[0]?.score ?? 0));
    progress("evaluate", k + 1, heldOut.length);
  }
  const benchFeeds = tensorOf(heldOut[0]!, size);
  const runs = request.benchRuns ?? 50;
  await fp32.run(benchFeeds);
  await int8.run(benchFeeds);
  const [fp32Ms, int8Ms] = await fastestLatencies(fp32, int8, benchFeeds, runs, (done) => progress("benchmark", done, runs));
  await fp32.release();
  await int8.release();

  const f1 = f1Score(matches);
  const speedup = fp32Ms / int8Ms;
  const failures = [
    ...(speedup < TARGETS.speedup ? [`speed-up ${speedup.toFixed(2)}x is below ${TARGETS.speedup}x`] : []),
    ...(f1 < TARGETS.f1 ? [`F1 ${f1.toFixed(3)} is below ${TARGETS.f1}`] : []),
  ];
  const report: QuantizeReport = {
    model: entry.id,
    method: request.method,
    ...(request.method === "percentile" ? { percentile: request.percentile ?? 99.9 } : {}),
    options,
    calibration_inputs: calibration.length,
    held_out_inputs: heldOut.length,
    data: request.data,
    fp32_ms: round(fp32Ms),
    int8_ms: round(int8Ms),
    bench_runs: runs,
    speedup: round(speedup),
    f1: round(f1),
    matches,
    score_delta: round(scoreDelta / heldOut.length),
    quantized_tensors: quantized.quantizedTensors,
    quantized_weights: quantized.quantizedWeights,
    float_nodes: quantized.floatNodes.length,
    targets: TARGETS,
    verdict: failures.length ? "fp32" : "int8",
    reason: failures.length ? failures.join("; ") : "INT8 meets both targets",
    files: { qdq_model: qdqPath, qdq_sha256: await sha256File(qdqPath), calibration_table: tablePath },
  };
  writeFileSync(join(request.outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(join(request.outDir, "report.md"), reportMarkdown(report));
  log.info({ model: entry.id, speedup: report.speedup, f1: report.f1, verdict: report.verdict }, "quantization measured");
  return report;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function reportMarkdown(r: QuantizeReport): string {
  return `# INT8 quantization of ${r.model}

Verdict: **${r.verdict === "int8" ? "use the INT8 model" : "keep FP32"}** — ${r.reason}.

| | FP32 | INT8 (QDQ) |
|---|---|---|
| CPU latency, 1 thread (fastest of ${r.bench_runs} alternating runs) | ${r.fp32_ms} ms | ${r.int8_ms} ms |
| Speed-up | | ${r.speedup}x (target ≥ ${r.targets.speedup}x) |
| F1 vs FP32 detections, IoU 0.5 | 1 | ${r.f1} (target ≥ ${r.targets.f1}) |
| Matched / extra / missed | | ${r.matches.truePositives} / ${r.matches.falsePositives} / ${r.matches.falseNegatives} |
| Mean |Δ top score| | | ${r.score_delta} |

- Calibration: ${r.method}${r.percentile ? ` (${r.percentile} %)` : ""} on ${r.calibration_inputs} inputs from \`${r.data}\`; ${r.held_out_inputs} other inputs held out for the comparison.
- Options: ${r.options.placement} Q/DQ placement, activations ${r.options.activationType}, weights ${r.options.perChannel ? "per channel" : "per tensor"}, head ${r.options.floatHead ? "kept in FP32" : "quantized"}, min Conv MACs per output ${r.options.minConvMacs}.
- Quantized ${r.quantized_tensors} activation tensors and ${r.quantized_weights} weights; ${r.float_nodes} nodes stay FP32.
- Files: QDQ model \`${r.files.qdq_model}\`; TensorRT calibration table (onnxruntime FlatBuffer format, for the FP32 model with \`trt_int8_enable\`) \`${r.files.calibration_table}\`.
`;
}
