/**
 * `hearth calibrate quantize` for the openWakeWord models: the embedding model
 * (input: 76 × 32 mel windows) or a keyword classifier (input: 16 × 96
 * embeddings). Calibration inputs are the windows the live pipeline
 * (models/wakeword/features.ts) produces for real recordings, every other
 * recording held out. The report compares the keyword score of every 80 ms frame
 * of the held-out recordings through the FP32 and the INT8 model (mean and
 * largest difference, recordings whose detection at 0.5 flips) and the model's
 * CPU latency; INT8 is used only when it is faster and changes no detection.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { decodeFile } from "../agent/audio/file-source.ts";
import { manifestEntry } from "../models/manifest.ts";
import { modelPath, sha256File } from "../models/store.ts";
import { EMBEDDING_DIM, EMBEDDING_WINDOW, MEL_BINS, WAKE_FRAME_SAMPLES, WakeWordFeatureModels } from "../models/wakeword/features.ts";
import { calibrateAndWrite } from "./calibrate-and-write.ts";
import type { Feeds } from "./collect.ts";
import { readModel } from "./onnx-model.ts";
import type { QdqOptions } from "./qdq.ts";
import type { CalibrationMethod } from "./ranges.ts";
import { audioFiles } from "./wakeword-threshold.ts";

/** INT8 replaces FP32 only when it is this much faster and flips no detection. */
export const WAKEWORD_TARGETS = { speedup: 1.5, detection_changes: 0, detection_threshold: 0.5 } as const;
const CLASSIFIER_WINDOW = 16;
const RATE = 16_000;

export interface WakeWordQuantizeRequest extends QdqOptions {
  /** `oww-embedding` or a keyword classifier id (`oww-alexa`, ...). */
  modelId: string;
  /** Directory of recordings (searched recursively): wake words and other audio. */
  data: string;
  /** Keyword classifier that scores the embedding model's output (default `oww-alexa`). */
  keywordId?: string;
  method: CalibrationMethod;
  percentile?: number;
  outDir: string;
  /** At most this many recordings, spread over the sorted list; alternate ones calibrate. */
  maxInputs?: number;
  benchRuns?: number;
  progress?: (phase: string, done: number, total: number) => void;
}

export interface WakeWordQuantizeReport {
  model: string;
  keyword: string;
  method: CalibrationMethod;
  options: QdqOptions;
  /** Recordings, and the windows they gave. */
  calibration_inputs: number;
  calibration_windows: number;
  held_out_inputs: number;
  held_out_frames: number;
  fp32_ms: number;
  int8_ms: number;
  bench_runs: number;
  speedup: number;
  /** Mean |INT8 − FP32| keyword score over every held-out 80 ms frame. */
  score_delta: number;
  max_score_delta: number;
  /** Held-out recordings whose detection (max score ≥ 0.5) differs between FP32 and INT8. */
  detection_changes: number;
  targets: typeof WAKEWORD_TARGETS;
  verdict: "int8" | "fp32";
  reason: string;
  /** `qdq_sha256` lets the agent verify the INT8 file it loads (config `models.int8`). */
  files: { qdq_model: string; qdq_sha256: string; calibration_table: string };
}

/** Per-frame model inputs of one recording, as the streaming pipeline builds them. */
interface ClipWindows {
  file: string;
  mel: Float32Array[];
  embeddings: Float32Array[];
}

async function clipWindows(features: WakeWordFeatureModels, file: string): Promise<ClipWindows> {
  const pcm = await decodeFile(file);
  const audio = new Int16Array(pcm.length + RATE); // 1 s of silence after, so the word can finish
  audio.set(pcm);
  const stream = await features.stream(CLASSIFIER_WINDOW);
  const out: ClipWindows = { file, mel: [], embeddings: [] };
  for (let i = 0; i + WAKE_FRAME_SAMPLES <= audio.length; i += WAKE_FRAME_SAMPLES) {
    await stream.push(audio.subarray(i, i + WAKE_FRAME_SAMPLES));
    out.mel.push(stream.snapshot().mel);
    out.embeddings.push(stream.embeddings(CLASSIFIER_WINDOW).slice());
  }
  return out;
}

const spread = <T>(items: T[], n: number | undefined): T[] => (!n || n >= items.length ? items : Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!));
const round = (x: number) => Math.round(x * 1000) / 1000;

async function scalarOut(session: ort.InferenceSession, feeds: Feeds): Promise<number> {
  return ((await session.run(feeds))[session.outputNames[0]!]!.data as Float32Array)[0]!;
}

/**
 * Quantize an openWakeWord model and measure it on held-out recordings.
 * @throws Error for a model of another role, or unreadable audio (naming the file).
 */
export async function quantizeWakeWord(request: WakeWordQuantizeRequest): Promise<WakeWordQuantizeReport> {
  const entry = manifestEntry(request.modelId);
  if (entry.role !== "wakeword-embedding" && entry.role !== "wakeword-keyword") throw new Error(`model ${entry.id} is not an openWakeWord embedding or keyword model`);
  const keyword = entry.role === "wakeword-keyword" ? entry : manifestEntry(request.keywordId ?? "oww-alexa");
  const progress = request.progress ?? (() => {});
  const files = spread(audioFiles(request.data), request.maxInputs);
  if (files.length < 2) throw new Error(`${request.data}: need at least 2 recordings (one to calibrate, one held out)`);
  const features = await WakeWordFeatureModels.load();
  const clips: ClipWindows[] = [];
  for (const [i, file] of files.entries()) {
    clips.push(await clipWindows(features, file));
    progress("features", i + 1, files.length);
  }
  const calibration = clips.filter((_, i) => i % 2 === 0);
  const heldOut = clips.filter((_, i) => i % 2 === 1);

  const source = await modelPath(entry.id);
  const model = readModel(source);
  const inputName = model.graph.input.find((i) => !model.graph.initializer.some((t) => t.name === i.name))!.name;
  const toFeeds = (window: Float32Array): Feeds =>
    entry.role === "wakeword-embedding"
      ? { [inputName]: new ort.Tensor("float32", window, [1, EMBEDDING_WINDOW, MEL_BINS, 1]) }
      : { [inputName]: new ort.Tensor("float32", window, [1, CLASSIFIER_WINDOW, EMBEDDING_DIM]) };
  const windowsOf = (c: ClipWindows) => (entry.role === "wakeword-embedding" ? c.mel : c.embeddings);
  const calibrationFeeds = calibration.flatMap((c) => windowsOf(c).map(toFeeds));

  const { options, quantized, qdqPath, tablePath } = await calibrateAndWrite(model, calibrationFeeds, {
    ...request,
    modelId: entry.id,
    progress: (done: number, total: number) => progress("calibrate", done, total),
  });

  const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ["cpu"], intraOpNumThreads: 1, graphOptimizationLevel: "all", logSeverityLevel: 3 };
  const fp32 = await ort.InferenceSession.create(source, sessionOptions);
  const int8 = await ort.InferenceSession.create(qdqPath, sessionOptions);
  const classifier = entry.role === "wakeword-keyword" ? fp32 : await ort.InferenceSession.create(await modelPath(keyword.id), sessionOptions);
  const classifierInput = classifier.inputNames[0]!;
  const score = (s: ort.InferenceSession, window: Float32Array) => scalarOut(s, { [classifierInput]: new ort.Tensor("float32", window, [1, CLASSIFIER_WINDOW, EMBEDDING_DIM]) });

  let frames = 0;
  let deltaSum = 0;
  let maxDelta = 0;
  let detectionChanges = 0;
  for (const [k, clip] of heldOut.entries()) {
    let maxFp32 = 0;
    let maxInt8 = 0;
    // INT8 embeddings replace FP32 ones as they arrive (the primed silence before the clip stays FP32).
    const buffer = clip.embeddings[0]!.slice();
    for (let t = 0; t < clip.embeddings.length; t++) {
      const reference = await score(classifier, clip.embeddings[t]!);
      let candidate: number;
      if (entry.role === "wakeword-keyword") candidate = await scalarOut(int8, toFeeds(clip.embeddings[t]!));
      else {
        const out = await int8.run(toFeeds(clip.mel[t]!));
        const embedding = out[int8.outputNames[0]!]!.data as Float32Array;
        if (t > 0) buffer.copyWithin(0, EMBEDDING_DIM);
        buffer.set(embedding, buffer.length - EMBEDDING_DIM);
        candidate = await score(classifier, buffer);
      }
      const delta = Math.abs(candidate - reference);
      deltaSum += delta;
      maxDelta = Math.max(maxDelta, delta);
      maxFp32 = Math.max(maxFp32, reference);
      maxInt8 = Math.max(maxInt8, candidate);
      frames++;
    }
    if (maxFp32 >= WAKEWORD_TARGETS.detection_threshold !== maxInt8 >= WAKEWORD_TARGETS.detection_threshold) detectionChanges++;
    progress("evaluate", k + 1, heldOut.length);
  }

  const runs = request.benchRuns ?? 200;
  const benchFeeds = toFeeds(windowsOf(heldOut[0]!)[0]!);
  let fp32Ms = Infinity;
  let int8Ms = Infinity;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await fp32.run(benchFeeds);
    fp32Ms = Math.min(fp32Ms, performance.now() - started);
    started = performance.now();
    await int8.run(benchFeeds);
    int8Ms = Math.min(int8Ms, performance.now() - started);
    progress("benchmark", i + 1, runs);
  }
  for (const s of new Set([fp32, int8, classifier])) await s.release();

  const speedup = fp32Ms / int8Ms;
  const failures = [
    ...(speedup < WAKEWORD_TARGETS.speedup ? [`speed-up ${speedup.toFixed(2)}x is below ${WAKEWORD_TARGETS.speedup}x`] : []),
    ...(detectionChanges > WAKEWORD_TARGETS.detection_changes ? [`${detectionChanges} held-out recordings change detection`] : []),
  ];
  const report: WakeWordQuantizeReport = {
    model: entry.id,
    keyword: keyword.id,
    method: request.method,
    options,
    calibration_inputs: calibration.length,
    calibration_windows: calibrationFeeds.length,
    held_out_inputs: heldOut.length,
    held_out_frames: frames,
    fp32_ms: round(fp32Ms),
    int8_ms: round(int8Ms),
    bench_runs: runs,
    speedup: round(speedup),
    score_delta: round(deltaSum / frames),
    max_score_delta: round(maxDelta),
    detection_changes: detectionChanges,
    targets: WAKEWORD_TARGETS,
    verdict: failures.length ? "fp32" : "int8",
    reason: failures.length ? failures.join("; ") : "INT8 meets both targets",
    files: { qdq_model: qdqPath, qdq_sha256: await sha256File(qdqPath), calibration_table: tablePath },
  };
  writeFileSync(join(request.outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  writeFileSync(
    join(request.outDir, "report.md"),
    `# INT8 quantization of ${report.model}

Verdict: **${report.verdict === "int8" ? "use the INT8 model" : "keep FP32"}** — ${report.reason}.

| | FP32 | INT8 (QDQ) |
|---|---|---|
| CPU latency, 1 thread (fastest of ${runs} alternating runs) | ${report.fp32_ms} ms | ${report.int8_ms} ms |
| Speed-up | | ${report.speedup}x (target ≥ ${WAKEWORD_TARGETS.speedup}x) |
| "${keyword.id}" score, mean / largest difference per 80 ms frame | | ${report.score_delta} / ${report.max_score_delta} |
| Held-out recordings whose detection at ${WAKEWORD_TARGETS.detection_threshold} flips | | ${report.detection_changes} of ${report.held_out_inputs} |

- Calibration: ${report.method} on ${report.calibration_windows} windows from ${report.calibration_inputs} recordings in \`${request.data}\`; ${report.held_out_inputs} other recordings (${report.held_out_frames} frames) held out.
- Quantized ${quantized.quantizedTensors} activation tensors and ${quantized.quantizedWeights} weights; ${quantized.floatNodes.length} nodes stay FP32.
- Files: \`${qdqPath}\`, \`${tablePath}\`.
`,
  );
  return report;
}
