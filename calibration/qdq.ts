/**
 * Static INT8 quantization of an ONNX graph in the QDQ format (Quantize/
 * DequantizeLinear pairs around the float ops), the representation onnxruntime
 * fuses into QLinearConv, QLinearMul, QLinearSigmoid, QLinearConcat ... on CPU and
 * TensorRT reads as explicit quantization.
 *
 * - Weights of Conv, Gemm and MatMul: int8, symmetric (zero point 0, range
 *   ±127), per output channel (or per tensor), each followed by a DequantizeLinear.
 * - Their float biases: int32 with scale = input scale × weight scale, zero point 0.
 * - Activations: per tensor, asymmetric uint8 (or int8) from calibrated ranges, one
 *   Q→DQ pair right after the producing node, shared by every quantized consumer.
 * - "Head" nodes (the last Conv layers and everything after them) can stay FP32:
 *   the detector's box regression and scores lose the most from 8 bits.
 * Layout follows onnxruntime's quantization tool (onnxruntime/python/tools/quantization).
 */
import {
  DataType,
  floatValues,
  makeNode,
  makeTensor,
  tensorDims,
  toNumber,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from "./onnx-model.ts";
import type { TensorRange } from "./ranges.ts";

/** Ops whose data inputs get Q/DQ pairs, with the indices of those inputs. */
const QUANTIZED_INPUTS: Record<string, (inputCount: number) => number[]> = {
  Conv: () => [0],
  Gemm: () => [0],
  MatMul: () => [0, 1],
  Mul: () => [0, 1],
  Add: () => [0, 1],
  Sigmoid: () => [0],
  Concat: (n) => [...Array(n).keys()],
  MaxPool: () => [0],
  AveragePool: () => [0],
  GlobalAveragePool: () => [0],
  Resize: () => [0],
  Slice: () => [0],
  Relu: () => [0],
  LeakyRelu: () => [0],
};

const WEIGHTED_OPS = new Set(["Conv", "Gemm", "MatMul"]);

/** Multiply-adds per output value: Cin/group × kernel area for Conv, the reduced dimension K otherwise. */
function macsPerOutput(node: NodeProto, weightDims: number[]): number {
  if (node.opType === "Conv") return weightDims.slice(1).reduce((a, b) => a * b, 1);
  if (node.opType === "Gemm") return toNumber(node.attribute?.find((a) => a.name === "transB")?.i) ? weightDims[1]! : weightDims[0]!;
  return weightDims[weightDims.length - 2] ?? 0;
}

/** Ops with a weight (input 1) quantized per channel, and the channel axis. */
function weightAxis(node: NodeProto, weightDims: number[]): number {
  if (node.opType === "Conv") return 0;
  if (node.opType === "Gemm") return toNumber(node.attribute?.find((a) => a.name === "transB")?.i) ? 0 : 1;
  return weightDims.length - 1; // MatMul [K, N]: one scale per output column
}

/** Ops whose signature changed at opset 13 (so an opset-11 graph holding them cannot be bumped). */
const CHANGED_AT_OPSET_13 = new Set(["Squeeze", "Unsqueeze", "Split", "ReduceSum", "Pad", "Clip", "Softmax", "LogSoftmax", "Hardmax"]);

export interface QdqOptions {
  /**
   * `onnxruntime` (default): Q/DQ on the inputs and outputs of every quantized op and int32
   * biases, the patterns onnxruntime's CPU provider fuses into QLinear kernels.
   * `tensorrt`: Q/DQ only on the inputs of Conv/Gemm/MatMul, float biases — TensorRT's
   * explicit-quantization placement (NVIDIA pytorch-quantization), where the builder fuses
   * Conv+bias+activation and quantizes after the activation.
   */
  placement?: "onnxruntime" | "tensorrt";
  /** Op types to quantize (default: every op in QUANTIZED_INPUTS). */
  ops?: string[];
  /**
   * Quantize a Conv/Gemm/MatMul only when each output value takes at least this many
   * multiply-adds (Cin/group × kernel area; K for Gemm/MatMul). onnxruntime's int8 kernels win on
   * heavy layers, while on light ones (depthwise) the int8 element-wise ops around them cost more
   * than the convolution saves. Default 0: quantize all.
   */
  minConvMacs?: number;
  /** `uint8` (onnxruntime's CPU default, u8×s8 kernels) or `int8`. */
  activationType: "uint8" | "int8";
  /** Per output channel weight scales (needs opset 13) or one per tensor. */
  perChannel: boolean;
  /** Keep the last Conv layers and everything downstream of them in FP32. */
  floatHead: boolean;
}

export interface QdqResult {
  model: ModelProto;
  /** Node names (or `op#index`) left in FP32. */
  floatNodes: string[];
  quantizedTensors: number;
  quantizedWeights: number;
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** Affine parameters of a float range for 8-bit `type`; the range always includes 0 so zero is exact. */
export function activationParams(range: TensorRange, type: "uint8" | "int8"): QuantParams {
  const min = Math.min(range.min, 0);
  const max = Math.max(range.max, 0);
  const scale = max > min ? (max - min) / 255 : 1;
  const qmin = type === "uint8" ? 0 : -128;
  const zeroPoint = Math.max(qmin, Math.min(qmin + 255, Math.round(qmin - min / scale))) || 0; // no -0
  return { scale, zeroPoint };
}

/**
 * Symmetric int8 quantization of a weight tensor along `axis` (or the whole tensor when axis is -1).
 * Returns the int8 values and one scale per channel.
 */
export function quantizeWeights(values: Float32Array, dims: number[], axis: number): { q: Int8Array; scales: Float32Array } {
  const channels = axis < 0 ? 1 : dims[axis]!;
  const inner = axis < 0 ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis < 0 ? 0 : Math.floor(i / inner) % channels);
  const absMax = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(values[i]!));
  }
  const scales = absMax.map((m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scales[channelOf(i)]!)));
  return { q, scales };
}

/** Below this, SiLU(x) = x·sigmoid(x) is within 0.003 of 0: its input's range need not reach further. */
const SILU_FLOOR = -8;

/**
 * Ranges with the lower end of every SiLU input (a tensor read only by Sigmoid(x) and
 * Mul(x, Sigmoid(x))) raised to SILU_FLOOR: onnxruntime cannot fuse the activation into
 * QLinearConv, so the pre-activation tensor is quantized, and its long negative tail
 * would waste most of the 8 bits on values SiLU maps to ~0.
 */
export function clipSiluInputs(nodes: NodeProto[], ranges: Map<string, TensorRange>): Map<string, TensorRange> {
  const consumers = new Map<string, NodeProto[]>();
  for (const node of nodes) for (const t of node.input) consumers.set(t, [...(consumers.get(t) ?? []), node]);
  const out = new Map(ranges);
  for (const [tensor, range] of ranges) {
    const readers = consumers.get(tensor) ?? [];
    const sigmoid = readers.find((n) => n.opType === "Sigmoid");
    const silu = readers.length === 2 && sigmoid && readers.some((n) => n.opType === "Mul" && n.input.includes(sigmoid.output[0]!));
    if (silu && range.min < SILU_FLOOR) out.set(tensor, { min: SILU_FLOOR, max: range.max });
  }
  return out;
}

/** Node ids that are last-layer Convs (no Conv downstream) or downstream of one. */
function headNodes(nodes: NodeProto[]): Set<number> {
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => node.input.forEach((t) => consumers.set(t, [...(consumers.get(t) ?? []), i])));
  const downstream = (start: number): Set<number> => {
    const seen = new Set<number>();
    const stack = [start];
    while (stack.length) {
      const i = stack.pop()!;
      for (const t of nodes[i]!.output) for (const j of consumers.get(t) ?? []) if (!seen.has(j)) (seen.add(j), stack.push(j));
    }
    return seen;
  };
  const head = new Set<number>();
  nodes.forEach((node, i) => {
    if (node.opType !== "Conv") return;
    const after = downstream(i);
    if ([...after].some((j) => nodes[j]!.opType === "Conv")) return;
    head.add(i);
    after.forEach((j) => head.add(j));
  });
  return head;
}

/**
 * Build the QDQ model. `calibrated` holds the range of every float activation to
 * quantize (graph inputs included); an op with an input lacking a range stays FP32.
 * Graphs below opset 13 are raised to 13 (per-channel DequantizeLinear needs it).
 * @throws Error when per-channel weights are asked for and an opset < 13 graph holds
 *   an op whose signature changed at 13.
 */
export function quantizeQdq(source: ModelProto, calibrated: Map<string, TensorRange>, options: QdqOptions): QdqResult {
  const model: ModelProto = structuredClone(source);
  const graph = model.graph;
  const onnxOpset = model.opsetImport.find((o) => !o.domain || o.domain === "ai.onnx");
  const opset = toNumber(onnxOpset?.version);
  if (opset < 13) {
    const blocker = graph.node.find((n) => CHANGED_AT_OPSET_13.has(n.opType));
    if (blocker && options.perChannel) throw new Error(`opset ${opset} graph holds ${blocker.opType}, which changed at opset 13; per-channel weights need opset 13: use per-tensor weights`);
    if (!blocker) onnxOpset!.version = 13;
  }

  const initializers = new Map(graph.initializer.map((t) => [t.name!, t]));
  const ranges = clipSiluInputs(graph.node, calibrated);
  const head = options.floatHead ? headNodes(graph.node) : new Set<number>();
  const ops = new Set(options.ops ?? (options.placement === "tensorrt" ? [...WEIGHTED_OPS] : Object.keys(QUANTIZED_INPUTS)));
  const minConvMacs = options.minConvMacs ?? 0;
  const graphOutputs = new Set(graph.output.map((o) => o.name));
  // A single forward pass (nodes are topologically sorted): Conv/Gemm/MatMul are quantized when they do
  // enough work per output value; other ops only when every data input is already quantized, so
  // int8 regions grow from the heavy layers and cheap layers between them stay FP32.
  const quantizedTensors = new Set(graph.input.map((i) => i.name).filter((n) => ranges.has(n)));
  const quantizedIds = new Set<number>();
  graph.node.forEach((node, i) => {
    if (head.has(i) || (node.domain && node.domain !== "ai.onnx") || !ops.has(node.opType) || !(node.opType in QUANTIZED_INPUTS)) return;
    const dataInputs = QUANTIZED_INPUTS[node.opType]!(node.input.length).map((k) => node.input[k]!).filter((n) => n && !initializers.has(n));
    if (!dataInputs.every((n) => ranges.has(n))) return;
    if (WEIGHTED_OPS.has(node.opType)) {
      const weight = initializers.get(node.input[1] ?? "");
      if (node.opType !== "MatMul" && !weight) return;
      if (weight && macsPerOutput(node, tensorDims(weight)) < minConvMacs) return;
    } else if (!dataInputs.every((n) => quantizedTensors.has(n))) return;
    quantizedIds.add(i);
    for (const out of node.output) if (ranges.has(out) && !graphOutputs.has(out)) quantizedTensors.add(out);
  });

  // Activation tensors that get a Q/DQ pair: data inputs and outputs of quantized ops
  // (onnxruntime fuses DQ→op→Q into its QLinear kernels only when both sides are there).
  const activationQdq = new Set<string>();
  graph.node.forEach((node, i) => {
    if (!quantizedIds.has(i)) return;
    for (const index of QUANTIZED_INPUTS[node.opType]!(node.input.length)) {
      const name = node.input[index];
      if (name && !initializers.has(name) && ranges.has(name)) activationQdq.add(name);
    }
    if (options.placement !== "tensorrt") for (const out of node.output) if (quantizedTensors.has(out)) activationQdq.add(out);
  });

  const newInitializers: TensorProto[] = [];
  const prelude: NodeProto[] = [];
  const dqName = (t: string) => `${t}_DequantizeLinear_Output`;
  const zeroPointType = options.activationType === "uint8" ? DataType.UINT8 : DataType.INT8;
  const activationParamsOf = new Map<string, QuantParams>();
  const qdqPair = (tensor: string): NodeProto[] => {
    const params = activationParams(ranges.get(tensor)!, options.activationType);
    activationParamsOf.set(tensor, params);
    const zp = options.activationType === "uint8" ? Uint8Array.of(params.zeroPoint) : Int8Array.of(params.zeroPoint);
    newInitializers.push(makeTensor(`${tensor}_scale`, DataType.FLOAT, [], Float32Array.of(params.scale)));
    newInitializers.push(makeTensor(`${tensor}_zero_point`, zeroPointType, [], zp));
    const args = [`${tensor}_scale`, `${tensor}_zero_point`];
    return [
      makeNode("QuantizeLinear", [tensor, ...args], [`${tensor}_QuantizeLinear_Output`], `${tensor}_QuantizeLinear`),
      makeNode("DequantizeLinear", [`${tensor}_QuantizeLinear_Output`, ...args], [dqName(tensor)], `${tensor}_DequantizeLinear`),
    ];
  };

  for (const input of graph.input) if (activationQdq.has(input.name)) prelude.push(...qdqPair(input.name));
  const body: NodeProto[] = [];
  const weightDq = new Map<string, { name: string; scales: Float32Array; axis: number }>();
  const replacedInitializers = new Set<string>();
  let quantizedWeights = 0;
  const floatNodes: string[] = [];

  graph.node.forEach((node, i) => {
    const quantized = quantizedIds.has(i);
    if (!quantized) floatNodes.push(node.name || `${node.opType}#${i}`);
    // Every consumer of a quantized tensor reads the DQ output, so the Q is the producer's only consumer.
    node.input.forEach((name, index) => {
      if (activationQdq.has(name)) node.input[index] = dqName(name);
    });
    if (quantized) {
      const weightName = node.input[1];
      const weight = weightName ? initializers.get(weightName) : undefined;
      const inputParams = activationParamsOf.get(node.input[0]!.replace(/_DequantizeLinear_Output$/, ""));
      if (["Conv", "Gemm", "MatMul"].includes(node.opType) && weight?.dataType === DataType.FLOAT && node.input[0]!.endsWith("_DequantizeLinear_Output") && inputParams) {
        let dq = weightDq.get(weightName!);
        if (!dq) {
          const dims = tensorDims(weight);
          const axis = options.perChannel ? weightAxis(node, dims) : -1;
          const { q, scales } = quantizeWeights(floatValues(weight), dims, axis);
          const base = `${weightName}_quantized`;
          newInitializers.push(makeTensor(base, DataType.INT8, dims, q));
          newInitializers.push(makeTensor(`${base}_scale`, DataType.FLOAT, axis < 0 ? [] : [scales.length], scales));
          newInitializers.push(makeTensor(`${base}_zero_point`, DataType.INT8, axis < 0 ? [] : [scales.length], new Int8Array(scales.length)));
          prelude.push(makeNode("DequantizeLinear", [base, `${base}_scale`, `${base}_zero_point`], [`${weightName}_DequantizeLinear_Output`], `${weightName}_DequantizeLinear`, axis < 0 ? {} : { axis }));
          dq = { name: `${weightName}_DequantizeLinear_Output`, scales, axis };
          weightDq.set(weightName!, dq);
          replacedInitializers.add(weightName!);
          quantizedWeights++;
        }
        node.input[1] = dq.name;
        const biasName = node.input[2];
        const bias = biasName ? initializers.get(biasName) : undefined;
        if (options.placement !== "tensorrt" && bias?.dataType === DataType.FLOAT && node.opType !== "MatMul" && (dq.axis === 0 || dq.axis < 0 || node.opType === "Gemm")) {
          const values = floatValues(bias);
          const scales = values.map((_, c) => inputParams.scale * dq!.scales[dq!.scales.length === 1 ? 0 : c]!);
          const q = Int32Array.from(values, (v, c) => Math.round(v / scales[c]!));
          const base = `${biasName}_quantized_${i}`;
          newInitializers.push(makeTensor(base, DataType.INT32, [values.length], q));
          newInitializers.push(makeTensor(`${base}_scale`, DataType.FLOAT, [values.length], scales));
          newInitializers.push(makeTensor(`${base}_zero_point`, DataType.INT32, [values.length], new Int32Array(values.length)));
          prelude.push(makeNode("DequantizeLinear", [base, `${base}_scale`, `${base}_zero_point`], [`${base}_DequantizeLinear_Output`], `${base}_DequantizeLinear`, { axis: 0 }));
          node.input[2] = `${base}_DequantizeLinear_Output`;
          replacedInitializers.add(biasName!);
        }
      }
    }
    body.push(node);
    for (const output of node.output) if (activationQdq.has(output)) body.push(...qdqPair(output));
  });

  // Drop float weights that no node reads any more.
  const stillRead = new Set([...prelude, ...body].flatMap((n) => n.input));
  graph.initializer = [...graph.initializer.filter((t) => !replacedInitializers.has(t.name!) || stillRead.has(t.name!)), ...newInitializers];
  graph.input = graph.input.filter((v) => !replacedInitializers.has(v.name) || stillRead.has(v.name));
  graph.node = [...prelude, ...body];
  return { model, floatNodes, quantizedTensors: activationQdq.size, quantizedWeights };
}
