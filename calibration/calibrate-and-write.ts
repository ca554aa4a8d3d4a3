/**
 * The step every `hearth calibrate quantize` shares, whatever the model:
 * collect activation ranges on the calibration feeds, write the QDQ model and
 * the TensorRT calibration table into `outDir` as `<id>.int8.qdq.onnx` and
 * `<id>.calibration.flatbuffers`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeCalibrationTable } from "./calibration-table.ts";
import { collectRanges, type Feeds } from "./collect.ts";
import { encodeModel, type ModelProto } from "./onnx-model.ts";
import { quantizeQdq, type QdqOptions, type QdqResult } from "./qdq.ts";
import { RangeCollector, type CalibrationMethod } from "./ranges.ts";

export interface CalibrateAndWriteOptions extends QdqOptions {
  modelId: string;
  method: CalibrationMethod;
  /** Percentile for `percentile` (default 99.9). */
  percentile?: number;
  outDir: string;
  /** Progress of the calibration runs: done, total. */
  progress?: (done: number, total: number) => void;
}

export interface CalibratedFiles {
  /** The QDQ options in effect, defaults filled in (for the report). */
  options: QdqOptions;
  quantized: QdqResult;
  qdqPath: string;
  tablePath: string;
}

/** Calibrate `model` on `feeds`, quantize it and write both artefacts. */
export async function calibrateAndWrite(model: ModelProto, feeds: Feeds[], options: CalibrateAndWriteOptions): Promise<CalibratedFiles> {
  const collector = new RangeCollector(options.method, options.percentile ?? 99.9);
  await collectRanges(model, feeds, collector, options.progress ?? (() => {}));
  const ranges = collector.ranges();
  const qdq: QdqOptions = {
    activationType: options.activationType,
    perChannel: options.perChannel,
    floatHead: options.floatHead,
    minConvMacs: options.minConvMacs ?? 0,
    placement: options.placement ?? "onnxruntime",
  };
  const quantized = quantizeQdq(model, ranges, qdq);
  mkdirSync(options.outDir, { recursive: true });
  const qdqPath = join(options.outDir, `${options.modelId}.int8.qdq.onnx`);
  const tablePath = join(options.outDir, `${options.modelId}.calibration.flatbuffers`);
  writeFileSync(qdqPath, encodeModel(quantized.model));
  writeCalibrationTable(tablePath, ranges);
  return { options: qdq, quantized, qdqPath, tablePath };
}
