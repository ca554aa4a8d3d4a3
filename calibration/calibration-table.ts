/**
 * TensorRT INT8 calibration tables for onnxruntime's TensorRT execution provider
 * (`trt_int8_calibration_table_name`), for models without Q/DQ nodes.
 *
 * Written in onnxruntime's own format (`trt_int8_use_native_calibration_table = 0`):
 * a FlatBuffer with schema
 *   namespace CalTableFlatBuffers;
 *   table KeyValue { key:string (key); value:string; }
 *   table TrtTable { dict:[KeyValue]; }
 * where key is the ONNX tensor name and value the dynamic range max(|min|, |max|)
 * printed as a decimal float (onnxruntime parses it with std::stof and calls
 * ITensor::setDynamicRange(-v, v)). This is what onnxruntime's Python quantization
 * tool writes (`write_calibration_table` → calibration.flatbuffers). TensorRT's native
 * text cache (`TRT-xxxx-EntropyCalibration2`, `name: hex(scale)`) cannot carry ONNX
 * names that contain ':' such as `onnx::Conv_12`, because onnxruntime splits its lines at
 * the first ':'; hence the FlatBuffer.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as flatbuffers from "flatbuffers";
import type { TensorRange } from "./ranges.ts";

/** Dynamic range per tensor: the symmetric bound TensorRT quantizes with, in the tensor's units. */
export function dynamicRanges(ranges: Map<string, TensorRange>): Map<string, number> {
  return new Map([...ranges].map(([name, r]) => [name, Math.max(Math.abs(r.min), Math.abs(r.max))]));
}

/** Encode a calibration table (keys sorted, as the schema's `(key)` attribute requires). */
export function encodeCalibrationTable(ranges: Map<string, number>): Uint8Array {
  const builder = new flatbuffers.Builder(1024);
  const entries = [...ranges].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const pairs = entries.map(([key, value]) => {
    const keyOffset = builder.createString(key);
    const valueOffset = builder.createString(formatRange(value));
    builder.startObject(2);
    builder.addFieldOffset(0, keyOffset, 0);
    builder.addFieldOffset(1, valueOffset, 0);
    return builder.endObject();
  });
  builder.startVector(4, pairs.length, 4);
  for (let i = pairs.length - 1; i >= 0; i--) builder.addOffset(pairs[i]!);
  const dict = builder.endVector();
  builder.startObject(1);
  builder.addFieldOffset(0, dict, 0);
  builder.finish(builder.endObject());
  return builder.asUint8Array();
}

/** Shortest decimal that reads back as the same float32 (std::stof parses it). */
function formatRange(value: number): string {
  const f = Math.fround(value);
  for (let digits = 6; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(f);
}

/**
 * Decode a calibration table.
 * @throws Error naming `source` when the bytes hold no TrtTable.
 */
export function decodeCalibrationTable(bytes: Uint8Array, source = "<buffer>"): Map<string, number> {
  if (bytes.length < 8) throw new Error(`${source}: too short for a calibration table`);
  const bb = new flatbuffers.ByteBuffer(bytes);
  const table = bb.readInt32(bb.position()) + bb.position();
  const dictField = bb.__offset(table, 4);
  if (!dictField) throw new Error(`${source}: calibration table has no dict`);
  const out = new Map<string, number>();
  const vector = bb.__vector(table + dictField);
  const length = bb.__vector_len(table + dictField);
  for (let i = 0; i < length; i++) {
    const pair = bb.__indirect(vector + i * 4);
    const keyField = bb.__offset(pair, 4);
    const valueField = bb.__offset(pair, 6);
    if (!keyField || !valueField) throw new Error(`${source}: entry ${i} lacks key or value`);
    const key = bb.__string(pair + keyField) as string;
    const value = Number(bb.__string(pair + valueField));
    if (!Number.isFinite(value)) throw new Error(`${source}: entry ${key} has no numeric range`);
    out.set(key, value);
  }
  return out;
}

/** Write `ranges` as an onnxruntime TensorRT calibration table file. */
export function writeCalibrationTable(path: string, ranges: Map<string, TensorRange>): void {
  writeFileSync(path, encodeCalibrationTable(dynamicRanges(ranges)));
}

/** Read a calibration table file. @throws Error naming the file. */
export function readCalibrationTable(path: string): Map<string, number> {
  return decodeCalibrationTable(readFileSync(path), path);
}
