/**
 * INT8 quantization benchmark: YOLOX-Nano on frames of ../shared/data/video (every
 * other frame calibrates, the rest is held out) for each calibration method, and
 * the openWakeWord embedding model on ../shared/data/wakeword. Prints the speed-up
 * and accuracy figures and writes reports/quantize.{md,json} (plus each run's own
 * report under reports/quantize/).
 *
 * Run: `npx tsx bench/quantize.ts [--fps 0.5] [--recordings 160]`. Targets: INT8 ≥ 1.5x
 * faster than FP32 on CPU; detector F1 ≥ 0.95 against FP32; no wake-word detection flips.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { quantizeDetector } from "../calibration/quantize.ts";
import type { CalibrationMethod } from "../calibration/ranges.ts";
import { quantizeWakeWord } from "../calibration/wakeword-quantize.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "..", "shared");
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const out = join(root, "reports", "quantize");
const common = { activationType: "uint8", perChannel: true, floatHead: true } as const;

const detector = [];
for (const method of ["minmax", "percentile", "entropy"] as CalibrationMethod[]) {
  const r = await quantizeDetector({
    ...common,
    modelId: "yolox-nano",
    data: join(shared, "data/video/one-by-one-person-detection.mp4"),
    storeDir: join(shared, "models"),
    fps: arg("--fps", 0.5),
    method,
    outDir: join(out, `yolox-nano-${method}`),
  });
  detector.push(r);
  process.stdout.write(`yolox-nano ${method}: FP32 ${r.fp32_ms} ms, INT8 ${r.int8_ms} ms, ${r.speedup}x, F1 ${r.f1} → ${r.verdict}\n`);
}
const wake = await quantizeWakeWord({
  ...common,
  modelId: "oww-embedding",
  data: join(shared, "data/wakeword"),
  maxInputs: arg("--recordings", 160),
  method: "percentile",
  outDir: join(out, "oww-embedding"),
});
process.stdout.write(`oww-embedding: FP32 ${wake.fp32_ms} ms, INT8 ${wake.int8_ms} ms, ${wake.speedup}x, score Δ ${wake.score_delta} (max ${wake.max_score_delta}), ${wake.detection_changes} flips → ${wake.verdict}\n`);

const md = [
  "# INT8 quantization benchmark",
  "",
  "CPU, one intra-op thread, latency = fastest of alternating FP32/INT8 runs.",
  "",
  "| model | method | calibration / held out | FP32 | INT8 | speed-up | accuracy vs FP32 | verdict |",
  "|---|---|---|---|---|---|---|---|",
  ...detector.map((r) => `| yolox-nano | ${r.method} | ${r.calibration_inputs} / ${r.held_out_inputs} frames | ${r.fp32_ms} ms | ${r.int8_ms} ms | ${r.speedup}x | F1 ${r.f1} | ${r.verdict}: ${r.reason} |`),
  `| oww-embedding | ${wake.method} | ${wake.calibration_inputs} / ${wake.held_out_inputs} recordings | ${wake.fp32_ms} ms | ${wake.int8_ms} ms | ${wake.speedup}x | alexa score Δ ${wake.score_delta} (max ${wake.max_score_delta}), ${wake.detection_changes} flips | ${wake.verdict}: ${wake.reason} |`,
  "",
].join("\n");
mkdirSync(join(root, "reports"), { recursive: true });
writeFileSync(join(root, "reports", "quantize.json"), JSON.stringify({ detector, wakeword: wake }, null, 2) + "\n");
writeFileSync(join(root, "reports", "quantize.md"), md);
process.stdout.write(`\n${md}\nwritten to reports/quantize.{md,json}\n`);
