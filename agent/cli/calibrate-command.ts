/**
 * `hearth calibrate quantize --model ID --data DIR_OR_VIDEO --out DIR`: INT8
 * quantization with a measured report (see calibration/quantize.ts).
 * `hearth calibrate wakeword --positive DIR --negative DIR`: detection rate against
 * false accepts per hour for each threshold and patience, an SVG plot, and the
 * proposed threshold + patience (calibration/wakeword-threshold.ts).
 * `hearth calibrate detector --labels FILE --images DIR`: the same for the
 * detector's score threshold from labelled images (calibration/detector-threshold.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MultiBar, Presets, SingleBar } from "cli-progress";
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../config/load.ts";
import { registerUserModels } from "../../models/manifest.ts";
import { storeDir } from "../../models/store.ts";
import { quantizeDetector } from "../../calibration/quantize.ts";
import { quantizeWakeWord } from "../../calibration/wakeword-quantize.ts";
import { manifestEntry } from "../../models/manifest.ts";
import { CALIBRATION_METHODS, type CalibrationMethod } from "../../calibration/ranges.ts";
import { calibrateDetector } from "../../calibration/detector-threshold.ts";
import { operatingCurveSvg, type OperatingPoint } from "../../calibration/threshold-curve.ts";
import { calibrateWakeWord } from "../../calibration/wakeword-threshold.ts";

const nonNegative = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n >= 0)) throw new InvalidArgumentError(`${name} must be a number ≥ 0`);
  return n;
};

/** The sweep as a text table (stdout), plus JSON and SVG files in `out`. */
function writeSweep(out: string, base: string, points: OperatingPoint[], faHeader: string, svg: string, json: unknown): void {
  process.stdout.write(`threshold  patience  detected  false accepts  ${faHeader}\n`);
  for (const p of points) {
    process.stdout.write(`${p.threshold.toFixed(2).padStart(9)}  ${String(p.patience).padStart(8)}  ${(100 * p.detection_rate).toFixed(1).padStart(7)}%  ${String(p.false_accepts).padStart(13)}  ${p.fa_rate.toFixed(3)}\n`);
  }
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${base}.json`), JSON.stringify(json, null, 2) + "\n");
  writeFileSync(join(out, `${base}.svg`), svg);
  process.stdout.write(`plot: ${join(out, `${base}.svg`)}\n`);
}

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};

const method = (value: string): CalibrationMethod => {
  if (!(CALIBRATION_METHODS as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${CALIBRATION_METHODS.join(", ")}`);
  return value as CalibrationMethod;
};

interface QuantizeCliOptions {
  model: string;
  data: string;
  method: CalibrationMethod;
  percentile: number;
  out: string;
  activations: "uint8" | "int8";
  perTensor?: boolean;
  quantizeHead?: boolean;
  minConvMacs: number;
  placement: string;
  fps: number;
  maxInputs?: number;
  benchRuns: number;
  config?: string;
  dir?: string;
  keyword: string;
}

export function registerCalibrateCommand(program: Command): void {
  const calibrate = program.command("calibrate").description("INT8 quantization and threshold calibration from real inputs");
  calibrate
    .command("quantize")
    .description("write a QDQ INT8 model and a TensorRT calibration table, and measure them against FP32 (report.md, report.json)")
    .requiredOption("--model <id>", "manifest id: a detector (yolox-nano), oww-embedding or a keyword model (oww-alexa)")
    .requiredOption("--data <path>", "detector: video file or directory of images; wake word: directory of recordings")
    .option("--keyword <id>", "keyword model that scores oww-embedding's output", "oww-alexa")
    .requiredOption("--out <dir>", "output directory")
    .option("--method <method>", `range calibration: ${CALIBRATION_METHODS.join(", ")}`, method, "percentile" as CalibrationMethod)
    .option("--percentile <p>", "percentile of |x| kept by --method percentile", positive("--percentile"), 99.9)
    .option("--activations <type>", "activation type: uint8 or int8", "uint8")
    .option("--per-tensor", "one weight scale per tensor instead of per output channel")
    .option("--quantize-head", "quantize the last Conv layers and the decoder too")
    .option("--placement <target>", "Q/DQ placement: onnxruntime (CPU QLinear kernels) or tensorrt (Conv inputs only)", "onnxruntime")
    .option("--min-conv-macs <n>", "quantize only Conv layers with at least N multiply-adds per output value", Number, 0)
    .option("--fps <n>", "frames per second sampled from a video", positive("--fps"), 0.5)
    .option("--max-inputs <n>", "use at most N inputs (half calibrate, half held out)", positive("--max-inputs"))
    .option("--bench-runs <n>", "timed runs per model", positive("--bench-runs"), 50)
    .option("-c, --config <file>", "hearth config (models.dir, models.user)")
    .option("-d, --dir <dir>", "model store directory")
    .action(async (options: QuantizeCliOptions) => {
      if (options.activations !== "uint8" && options.activations !== "int8") throw new Error(`--activations: expected uint8 or int8, got ${options.activations}`);
      if (options.placement !== "onnxruntime" && options.placement !== "tensorrt") throw new Error(`--placement: expected onnxruntime or tensorrt, got ${options.placement}`);
      let dir = options.dir;
      if (options.config) {
        const config = loadConfig(options.config);
        registerUserModels(config.models.user);
        dir ??= config.models.dir;
      }
      const bars = new MultiBar({ format: "{phase} [{bar}] {value}/{total}", hideCursor: true, stream: process.stderr }, Presets.shades_classic);
      const phases = new Map<string, ReturnType<MultiBar["create"]>>();
      try {
        const progress = (phase: string, done: number, total: number) => {
          let bar = phases.get(phase);
          if (!bar) phases.set(phase, (bar = bars.create(total, 0, { phase: phase.padEnd(9) })));
          bar.setTotal(total);
          bar.update(done, { phase: phase.padEnd(9) });
        };
        const qdq = {
          method: options.method,
          percentile: options.percentile,
          outDir: options.out,
          activationType: options.activations,
          perChannel: !options.perTensor,
          floatHead: !options.quantizeHead,
          minConvMacs: options.minConvMacs,
          placement: options.placement,
          maxInputs: options.maxInputs,
          progress,
        } as const;
        if (manifestEntry(options.model).role !== "detector") {
          const report = await quantizeWakeWord({ ...qdq, modelId: options.model, data: options.data, keywordId: options.keyword, benchRuns: options.benchRuns });
          bars.stop();
          process.stdout.write(
            `${report.model}: speed-up ${report.speedup}x (FP32 ${report.fp32_ms} ms, INT8 ${report.int8_ms} ms), score difference mean ${report.score_delta} / max ${report.max_score_delta}, ${report.detection_changes} detection changes on ${report.held_out_inputs} held-out recordings → ${report.reason}\nreport: ${options.out}/report.md\n`,
          );
          return;
        }
        const report = await quantizeDetector({ ...qdq, modelId: options.model, data: options.data, storeDir: storeDir(dir), fps: options.fps, benchRuns: options.benchRuns });
        bars.stop();
        process.stdout.write(
          `${report.model}: speed-up ${report.speedup}x (FP32 ${report.fp32_ms} ms, INT8 ${report.int8_ms} ms), F1 ${report.f1} on ${report.held_out_inputs} held-out inputs → ${report.reason}\n` +
            `report: ${options.out}/report.md\n`,
        );
      } finally {
        bars.stop();
      }
    });

  calibrate
    .command("wakeword")
    .description("detection rate vs false accepts per hour for each threshold and patience; proposes both for a target")
    .requiredOption("--positive <dir>", "recordings of the wake word (searched recursively)")
    .requiredOption("--negative <dir>", "recordings without it: other words, speech, noise")
    .option("--target-fa-per-hour <x>", "false-accept budget per hour of negative audio", nonNegative("--target-fa-per-hour"), 0.5)
    .option("--model <name>", "openWakeWord model (built-in name or .onnx path)", "alexa")
    .option("--out <dir>", "where wakeword-calibration.{json,svg} go", "reports")
    .action(async (options: { positive: string; negative: string; targetFaPerHour: number; model: string; out: string }) => {
      const bar = new SingleBar({ format: "scoring [{bar}] {value}/{total} recordings", hideCursor: true, stream: process.stderr }, Presets.shades_classic);
      let started = false;
      let result;
      try {
        result = await calibrateWakeWord({
          positiveDir: options.positive,
          negativeDir: options.negative,
          model: options.model,
          targetFaPerHour: options.targetFaPerHour,
          progress: (done, total) => (started ? bar.update(done) : (bar.start(total, done), (started = true))),
        });
      } finally {
        if (started) bar.stop();
      }
      process.stdout.write(`${result.model}: ${result.positives} positive recordings, ${result.negatives} negative (${result.negative_hours.toFixed(3)} h), refractory ${result.refractory_ms} ms\n`);
      if (result.fa_resolution_per_hour > result.target_fa_per_hour) {
        process.stdout.write(`note: one false accept in ${result.negative_hours.toFixed(3)} h of negatives is ${result.fa_resolution_per_hour.toFixed(2)}/hour, above the ${result.target_fa_per_hour}/hour target: the budget means no false accept at all here; add negative audio to resolve it\n`);
      }
      const title = `openWakeWord "${result.model}": detection rate vs false accepts/hour`;
      writeSweep(options.out, "wakeword-calibration", result.points, "FA/hour", operatingCurveSvg(result.points, title, "false accepts per hour", result.target_fa_per_hour, result.proposed), result);
      process.stdout.write(
        result.proposed
          ? `proposed: threshold ${result.proposed.threshold}, patience ${result.proposed.patience} (${(100 * result.proposed.detection_rate).toFixed(1)} % detected, ${result.proposed.fa_rate.toFixed(2)} FA/hour ≤ ${result.target_fa_per_hour})\n`
          : `no threshold keeps false accepts at or below ${result.target_fa_per_hour}/hour on this data\n`,
      );
    });

  calibrate
    .command("detector")
    .description("detector score threshold from labelled images: detection rate vs false accepts per negative image")
    .requiredOption("--labels <file>", "labels JSON (counts per image, optional hand-drawn boxes)")
    .requiredOption("--images <dir>", "directory holding the labelled images")
    .option("--label <name>", "COCO label to calibrate", "person")
    .option("--max-false-accept-rate <x>", "budget: share of negative images with a false detection", nonNegative("--max-false-accept-rate"), 0)
    .option("--out <dir>", "where detector-calibration.{json,svg} go", "reports")
    .action(async (options: { labels: string; images: string; label: string; maxFalseAcceptRate: number; out: string }) => {
      const result = await calibrateDetector({ labels: options.labels, imagesDir: options.images, label: options.label, maxFalseAcceptRate: options.maxFalseAcceptRate });
      process.stdout.write(`${result.label}: ${result.positives} positive images, ${result.negatives} negative\n`);
      const title = `YOLOX "${result.label}": detection rate vs false accepts per negative image`;
      writeSweep(options.out, "detector-calibration", result.points, "FA/negative image", operatingCurveSvg(result.points, title, "false accepts per negative image", result.max_false_accept_rate, result.proposed), result);
      process.stdout.write(
        result.proposed
          ? `proposed: score threshold ${result.proposed.threshold} (${(100 * result.proposed.detection_rate).toFixed(1)} % of positive images detected, ${result.proposed.false_accepts} false accepts)\n`
          : `no threshold keeps false accepts at or below ${result.max_false_accept_rate} per negative image\n`,
      );
    });
}
