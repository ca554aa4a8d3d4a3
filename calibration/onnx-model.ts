/**
 * Reads, edits and writes ONNX models with protobufjs and the ONNX schema in
 * `onnx.proto` (derived from onnx/onnx). Only plain objects cross this module's
 * boundary: a decoded model is a `ModelProto` tree whose int64 fields are
 * protobufjs `Long`s or numbers.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";

const schema = protobuf.loadSync(join(dirname(fileURLToPath(import.meta.url)), "onnx.proto"));
const ModelProtoType = schema.lookupType("onnx.ModelProto");

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

/** ONNX AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** int64 fields decode as numbers (`longs: Number`): model dimensions and attributes fit in 2^53. */
type Int64 = number;

export interface TensorProto {
  name?: string;
  dims?: Int64[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: Int64[];
}

export interface AttributeProto {
  name: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  ints?: Int64[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: Array<{ dimValue?: Int64; dimParam?: string }> } } };
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
}

export interface ModelProto {
  irVersion?: Int64;
  opsetImport: Array<{ domain?: string; version?: Int64 }>;
  producerName?: string;
  graph: GraphProto;
  metadataProps?: Array<{ key: string; value: string }>;
}

/** An optional int64 field as a number (0 when absent, as protobuf defines). */
export function toNumber(value: Int64 | undefined): number {
  return value ?? 0;
}

/**
 * Decode an ONNX model.
 * @throws Error naming `source` when the bytes are not an ONNX ModelProto with a graph.
 */
export function decodeModel(bytes: Uint8Array, source = "<buffer>"): ModelProto {
  let model: ModelProto;
  try {
    model = ModelProtoType.toObject(ModelProtoType.decode(bytes), { defaults: false, arrays: true, longs: Number }) as ModelProto;
  } catch (err) {
    throw new Error(`${source}: not an ONNX model (${(err as Error).message})`);
  }
  if (!model.graph || !model.graph.node?.length) throw new Error(`${source}: ONNX model has no graph nodes`);
  model.graph.initializer ??= [];
  model.graph.input ??= [];
  model.graph.output ??= [];
  model.opsetImport ??= [];
  return model;
}

/** Read and decode an ONNX model file. @throws Error naming the file. */
export function readModel(path: string): ModelProto {
  return decodeModel(readFileSync(path), path);
}

/** Serialise a model to ONNX bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const error = ModelProtoType.verify(model);
  if (error) throw new Error(`invalid ONNX model: ${error}`);
  return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish();
}

/** Dimensions of an initializer. */
export function tensorDims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(toNumber);
}

/**
 * Values of a FLOAT initializer (raw_data or float_data).
 * @throws Error naming the tensor when it is not FLOAT.
 */
export function floatValues(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) throw new Error(`initializer ${tensor.name}: data type ${tensor.dataType}, expected FLOAT`);
  if (tensor.rawData && tensor.rawData.length) {
    const copy = new Uint8Array(tensor.rawData);
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** A named initializer from typed data (little-endian raw_data, as ONNX requires). */
export function makeTensor(name: string, dataType: number, dims: number[], data: Float32Array | Int8Array | Uint8Array | Int32Array): TensorProto {
  return { name, dataType, dims, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** A node; `attrs` values: number → INT when integral else FLOAT, number[] → INTS. */
export function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attrs: Record<string, number | number[]> = {}): NodeProto {
  const attribute: AttributeProto[] = Object.entries(attrs).map(([key, value]) =>
    Array.isArray(value)
      ? { name: key, type: AttributeType.INTS, ints: value }
      : Number.isInteger(value)
        ? { name: key, type: AttributeType.INT, i: value }
        : { name: key, type: AttributeType.FLOAT, f: value },
  );
  return { opType, input: inputs, output: outputs, name, attribute };
}

/** A graph output for a float tensor of unknown shape (used to expose intermediate tensors). */
export function floatOutput(name: string): ValueInfoProto {
  return { name, type: { tensorType: { elemType: DataType.FLOAT } } };
}
