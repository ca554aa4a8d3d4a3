/**
 * Runs an FP32 model over calibration inputs with every intermediate float
 * tensor exposed as an extra graph output, and feeds the values to a
 * RangeCollector (two passes for the histogram methods).
 */
import * as ort from "onnxruntime-node";
import { encodeModel, floatOutput, type ModelProto } from "./onnx-model.ts";
import type { RangeCollector } from "./ranges.ts";

/** Ops whose outputs are never float activations. */
const NON_FLOAT_OUTPUTS = new Set(["Shape", "Size", "NonZero", "ArgMax", "ArgMin", "TopK", "Equal", "Greater", "Less", "Not", "And", "Or", "Cast", "ConstantOfShape", "Constant", "NonMaxSuppression", "QuantizeLinear", "DynamicQuantizeLinear"]);

/** The model with every float node output added as a graph output; returns the exposed names. */
export function exposeIntermediates(model: ModelProto): { model: ModelProto; tensors: string[] } {
  const augmented: ModelProto = structuredClone(model);
  const existing = new Set(augmented.graph.output.map((o) => o.name));
  const tensors: string[] = [];
  for (const node of augmented.graph.node) {
    if (NON_FLOAT_OUTPUTS.has(node.opType)) continue;
    for (const output of node.output) {
      if (!output) continue;
      tensors.push(output);
      if (!existing.has(output)) augmented.graph.output.push(floatOutput(output));
    }
  }
  return { model: augmented, tensors };
}

export type Feeds = Record<string, ort.Tensor>;

/**
 * Observe activation statistics of `model` over `feeds` (each element one inference).
 * `progress(done, total)` is called after every run of every pass.
 * @throws Error when onnxruntime cannot load the augmented model or run it.
 */
export async function collectRanges(
  model: ModelProto,
  feeds: Feeds[],
  collector: RangeCollector,
  progress: (done: number, total: number) => void = () => {},
  intraOpThreads = 1,
): Promise<void> {
  const { model: augmented, tensors } = exposeIntermediates(model);
  const session = await ort.InferenceSession.create(encodeModel(augmented), {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "basic",
    intraOpNumThreads: intraOpThreads,
    logSeverityLevel: 3,
  });
  const passes = collector.needsHistogram ? 2 : 1;
  const total = feeds.length * passes;
  let done = 0;
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const feed of feeds) {
        const results = await session.run(feed);
        for (const [name, tensor] of Object.entries(feed)) observe(collector, pass, name, tensor);
        for (const name of tensors) {
          const tensor = results[name];
          if (tensor) observe(collector, pass, name, tensor);
        }
        progress(++done, total);
      }
    }
  } finally {
    await session.release();
  }
}

function observe(collector: RangeCollector, pass: number, name: string, tensor: ort.Tensor): void {
  if (tensor.type !== "float32") return;
  const data = tensor.data as Float32Array;
  if (pass === 0) collector.observeMinMax(name, data);
  else collector.observeHistogram(name, data);
}
