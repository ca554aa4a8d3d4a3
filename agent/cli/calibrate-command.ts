/**
 * `hearth calibrate quantize --model ID --data DIR_OR_VIDEO --out DIR`: INT8
 * quantization with a measured report (see calibration/quantize.ts).
 */
import { MultiBar, Presets } from "cli-progress";
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../config/load.ts";
import { registerUserModels } from "../../models/manifest.ts";
import { storeDir } from "../../models/store.ts";
import { quantizeDetector } from "../../calibration/quantize.ts";
import { CALIBRATION_METHODS, type CalibrationMethod } from "../../calibration/ranges.ts";

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
  fps: number;
  maxInputs?: number;
  benchRuns: number;
  config?: string;
  dir?: string;
}

export function registerCalibrateCommand(program: Command): void {
  const calibrate = program.command("calibrate").description("INT8 quantization and threshold calibration from real inputs");
  calibrate
    .command("quantize")
    .description("write a QDQ INT8 model and a TensorRT calibration table, and measure them against FP32 (report.md, report.json)")
    .requiredOption("--model <id>", "manifest id of the model (a detector)")
    .requiredOption("--data <path>", "video file or directory of images")
    .requiredOption("--out <dir>", "output directory")
    .option("--method <method>", `range calibration: ${CALIBRATION_METHODS.join(", ")}`, method, "percentile" as CalibrationMethod)
    .option("--percentile <p>", "percentile of |x| kept by --method percentile", positive("--percentile"), 99.9)
    .option("--activations <type>", "activation type: uint8 or int8", "uint8")
    .option("--per-tensor", "one weight scale per tensor instead of per output channel")
    .option("--quantize-head", "quantize the last Conv layers and the decoder too")
    .option("--min-conv-macs <n>", "quantize only Conv layers with at least N multiply-adds per output value", Number, 0)
    .option("--fps <n>", "frames per second sampled from a video", positive("--fps"), 0.5)
    .option("--max-inputs <n>", "use at most N inputs (half calibrate, half held out)", positive("--max-inputs"))
    .option("--bench-runs <n>", "timed runs per model", positive("--bench-runs"), 30)
    .option("-c, --config <file>", "hearth config (models.dir, models.user)")
    .option("-d, --dir <dir>", "model store directory")
    .action(async (options: QuantizeCliOptions) => {
      if (options.activations !== "uint8" && options.activations !== "int8") throw new Error(`--activations: expected uint8 or int8, got ${options.activations}`);
      let dir = options.dir;
      if (options.config) {
        const config = loadConfig(options.config);
        registerUserModels(config.models.user);
        dir ??= config.models.dir;
      }
      const bars = new MultiBar({ format: "{phase} [{bar}] {value}/{total}", hideCursor: true, stream: process.stderr }, Presets.shades_classic);
      const phases = new Map<string, ReturnType<MultiBar["create"]>>();
      try {
        const report = await quantizeDetector({
          modelId: options.model,
          data: options.data,
          method: options.method,
          percentile: options.percentile,
          outDir: options.out,
          storeDir: storeDir(dir),
          activationType: options.activations,
          perChannel: !options.perTensor,
          floatHead: !options.quantizeHead,
          minConvMacs: options.minConvMacs,
          fps: options.fps,
          maxInputs: options.maxInputs,
          benchRuns: options.benchRuns,
          progress: (phase, done, total) => {
            let bar = phases.get(phase);
            if (!bar) phases.set(phase, (bar = bars.create(total, 0, { phase: phase.padEnd(9) })));
            bar.setTotal(total);
            bar.update(done, { phase: phase.padEnd(9) });
          },
        });
        bars.stop();
        process.stdout.write(
          `${report.model}: speed-up ${report.speedup}x (FP32 ${report.fp32_ms} ms, INT8 ${report.int8_ms} ms), F1 ${report.f1} on ${report.held_out_inputs} held-out inputs → ${report.reason}\n` +
            `report: ${options.out}/report.md\n`,
        );
      } finally {
        bars.stop();
      }
    });
}
