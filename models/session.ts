/**
 * ONNX Runtime session factory: tries the configured execution providers in
 * order (TensorRT, CUDA, CPU by default), logs which one each model got and why
 * a preferred one was skipped, limits threads for always-on models, warms each
 * session up once so the first real inference is not the slow one, and times
 * every run (see metrics.ts).
 */
import * as ort from "onnxruntime-node";
import { logger } from "../agent/log.ts";
import type { ModelsConfig } from "../agent/config/models.ts";
import type { ModelEntry } from "./manifest.ts";
import { metricsFor, type InferenceMetrics } from "./metrics.ts";

const log = logger("models/session");

export type ExecutionProvider = "tensorrt" | "cuda" | "cpu";

/**
 * TensorRT provider options, passed to onnxruntime under their `trt_*` names
 * (onnxruntime docs, TensorRT Execution Provider). A Node binding built with TensorRT
 * must forward them; the npm build has no TensorRT at all.
 */
export interface TensorRtOptions {
  deviceId?: number;
  fp16?: boolean;
  int8?: boolean;
  /** Directory of serialised engines (`trt_engine_cache_enable` + `trt_engine_cache_path`). */
  engineCacheDir?: string;
  /** Directory of the tactic timing cache (`trt_timing_cache_enable` + `trt_timing_cache_path`). */
  timingCacheDir?: string;
  /** INT8 calibration table file, for models without Q/DQ nodes. */
  int8CalibrationTable?: string;
  /** true: TensorRT's native text cache; false (default): onnxruntime's FlatBuffer table, what `hearth calibrate quantize` writes. */
  int8UseNativeCalibrationTable?: boolean;
  maxWorkspaceMb?: number;
}

/** CUDA provider options (`device_id`, `gpu_mem_limit` in bytes). */
export interface CudaOptions {
  deviceId?: number;
  memoryLimitMb?: number;
}

export interface SessionOptions {
  /** Providers in order of preference; the first that the runtime has wins. Default `["cpu"]`. */
  providers?: ExecutionProvider[];
  /** Intra-op threads (default 1: always-on models must not starve the others). */
  intraOpThreads?: number;
  /** Feeds for a warm-up run; skipped when omitted. */
  warmup?: () => Record<string, ort.Tensor>;
  /** Silence onnxruntime's own warnings (e.g. initializers listed as graph inputs). */
  quiet?: boolean;
  tensorrt?: TensorRtOptions;
  cuda?: CudaOptions;
  /** Name for logs and metrics (default: the path). */
  modelId?: string;
}

export interface SkippedProvider {
  provider: ExecutionProvider;
  reason: string;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  path: string;
  /** Preferred providers that were not used, each with the reason. */
  skipped: SkippedProvider[];
  metrics: InferenceMetrics;
  /** `session.run`, timed into `metrics`. */
  run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType>;
}

/** Why `provider` cannot be used by this onnxruntime-node build, or undefined when it can be tried. */
export function providerUnavailableReason(provider: ExecutionProvider): string | undefined {
  if (provider === "cpu") return undefined;
  const backends = ort.listSupportedBackends();
  const backend = backends.find((b) => b.name === provider);
  const bundled = backends.filter((b) => b.bundled).map((b) => b.name).join(", ");
  if (!backend) return `${provider} is not supported by this onnxruntime-node build (bundled: ${bundled})`;
  if (!backend.bundled) return `${provider} is not in this onnxruntime-node build (bundled: ${bundled}); build onnxruntime with it (see models/README.md)`;
  return undefined;
}

/** The onnxruntime execution-provider entry for `provider` with its options. */
export function providerConfig(provider: ExecutionProvider, options: SessionOptions): ort.InferenceSession.ExecutionProviderConfig {
  if (provider === "cuda") {
    const cuda = options.cuda ?? {};
    return {
      name: "cuda",
      deviceId: cuda.deviceId ?? 0,
      ...(cuda.memoryLimitMb ? { gpu_mem_limit: String(cuda.memoryLimitMb * 1024 * 1024) } : {}),
    } as ort.InferenceSession.ExecutionProviderConfig;
  }
  if (provider === "tensorrt") {
    const trt = options.tensorrt ?? {};
    const flag = (v: boolean | undefined) => (v ? "1" : "0");
    return {
      name: "tensorrt",
      deviceId: trt.deviceId ?? 0,
      trt_fp16_enable: flag(trt.fp16),
      trt_int8_enable: flag(trt.int8),
      ...(trt.engineCacheDir ? { trt_engine_cache_enable: "1", trt_engine_cache_path: trt.engineCacheDir } : {}),
      ...(trt.timingCacheDir ? { trt_timing_cache_enable: "1", trt_timing_cache_path: trt.timingCacheDir } : {}),
      ...(trt.int8CalibrationTable
        ? { trt_int8_calibration_table_name: trt.int8CalibrationTable, trt_int8_use_native_calibration_table: flag(trt.int8UseNativeCalibrationTable ?? false) }
        : {}),
      ...(trt.maxWorkspaceMb ? { trt_max_workspace_size: String(trt.maxWorkspaceMb * 1024 * 1024) } : {}),
    } as ort.InferenceSession.ExecutionProviderConfig;
  }
  return "cpu";
}

/**
 * Session options for a manifest model from the config's `models` section: provider order,
 * TensorRT/CUDA options, and the always-on thread limit for wake-word and VAD models.
 */
export function sessionOptionsFor(entry: ModelEntry, config: ModelsConfig): SessionOptions {
  return {
    modelId: entry.id,
    providers: config.providers,
    intraOpThreads: entry.alwaysOn ? config.always_on_threads : config.threads,
    quiet: entry.role === "face",
    tensorrt: {
      deviceId: config.cuda.device_id,
      fp16: config.tensorrt.fp16,
      int8: config.tensorrt.int8,
      engineCacheDir: config.tensorrt.engine_cache_dir,
      timingCacheDir: config.tensorrt.timing_cache_dir,
      int8CalibrationTable: config.tensorrt.int8_calibration_table,
      int8UseNativeCalibrationTable: config.tensorrt.int8_use_native_calibration_table,
      maxWorkspaceMb: config.tensorrt.max_workspace_mb,
    },
    cuda: { deviceId: config.cuda.device_id, memoryLimitMb: config.cuda.memory_limit_mb },
  };
}

/** Provider order and TensorRT/CUDA options from config `models`, for sessions whose caller names none. */
/** Provider fallbacks already logged at info (see createSession). */
const reportedUnavailable = new Set<string>();

let configured: Pick<SessionOptions, "providers" | "tensorrt"> = {};

/** Apply config `models` to every session created from now on (the agent calls this at start-up). */
export function configureSessions(config: ModelsConfig): void {
  const { providers, tensorrt } = sessionOptionsFor({ id: "", role: "detector" } as ModelEntry, config);
  configured = { providers, tensorrt };
}

/**
 * Create a session for `path` with the first usable provider.
 * @throws Error naming the path when no provider can load the model.
 */
export async function createSession(path: string, requested: SessionOptions = {}): Promise<LoadedSession> {
  const options: SessionOptions = { ...configured, ...Object.fromEntries(Object.entries(requested).filter(([, v]) => v !== undefined)) };
  const providers = options.providers ?? ["cpu"];
  const model = options.modelId ?? path;
  const skipped: SkippedProvider[] = [];
  for (const provider of providers) {
    const unavailable = providerUnavailableReason(provider);
    if (unavailable) {
      // Said once per provider and process: every model would repeat it, and on a machine without a GPU it is expected.
      const key = `${provider}: ${unavailable}`;
      if (reportedUnavailable.has(key)) log.debug({ model, provider }, `skipping provider: ${unavailable}`);
      else {
        reportedUnavailable.add(key);
        log.info({ provider }, `skipping provider for every model: ${unavailable}`);
      }
      skipped.push({ provider, reason: unavailable });
      continue;
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, {
        executionProviders: [providerConfig(provider, options)],
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        logSeverityLevel: options.quiet ? 3 : 2,
      });
    } catch (err) {
      const reason = `${provider} failed to load the model: ${(err as Error).message}`;
      log.warn({ model, provider }, `skipping provider: ${reason}`);
      skipped.push({ provider, reason });
      continue;
    }
    if (options.warmup) {
      const started = performance.now();
      await session.run(options.warmup());
      log.debug({ model, provider, warmupMs: Math.round(performance.now() - started) }, "warm-up run done");
    }
    const metrics = metricsFor(model, provider);
    // Callers keep the raw session (detector, VAD, wake word); timing its `run` here records every
    // inference for status and Prometheus whichever handle they call.
    const rawRun = session.run.bind(session);
    session.run = (async (...args: Parameters<typeof rawRun>) => {
      const started = performance.now();
      try {
        return await rawRun(...args);
      } finally {
        metrics.record(performance.now() - started);
      }
    }) as typeof session.run;
    log.info({ model, provider, skipped: skipped.map((s) => s.provider), threads: options.intraOpThreads ?? 1 }, `model runs on ${provider}`);
    return {
      session,
      provider,
      path,
      skipped,
      metrics,
      run: (feeds) => session.run(feeds),
    };
  }
  throw new Error(`cannot load ONNX model ${path}: ${skipped.map((s) => s.reason).join("; ")}`);
}

/**
 * Zero-valued feeds for every input of `session` (a warm-up run for any model): symbolic
 * dimensions take the entry's pre-processing shape when it names that input (or the model
 * has one input), else 1; integer scalars (e.g. Silero's `sr`) take the sample rate.
 * Booleans (a merged decoder's `use_cache_branch`) are false.
 * @throws Error naming the model when an input is not a float32, int64 or bool tensor.
 */
export function warmupFeeds(session: ort.InferenceSession, entry: ModelEntry): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  const pre = entry.preprocessing;
  session.inputMetadata.forEach((meta, index) => {
    if (!meta.isTensor) throw new Error(`model ${entry.id}: input ${meta.name} is not a tensor`);
    const described = pre && (pre.input === meta.name || (!pre.input && index === 0) || session.inputNames.length === 1) ? pre.shape : undefined;
    const dims = meta.shape.map((d, i) => (typeof d === "number" && d > 0 ? d : (described?.[i] ?? 1)));
    const size = dims.reduce((a, b) => a * b, 1);
    if (meta.type === "float32") feeds[meta.name] = new ort.Tensor("float32", new Float32Array(size), dims);
    else if (meta.type === "int64") feeds[meta.name] = new ort.Tensor("int64", new BigInt64Array(size).fill(BigInt(pre?.sampleRateHz ?? 0)), dims);
    else if (meta.type === "bool") feeds[meta.name] = new ort.Tensor("bool", new Uint8Array(size), dims);
    else throw new Error(`model ${entry.id}: cannot make a warm-up value for input ${meta.name} of type ${meta.type}`);
  });
  return feeds;
}
