/**
 * Config section `models`: where the model store lives, which execution
 * providers to try and how, threads per session, and user-supplied models.
 */
import { z } from "zod";

const providerSchema = z.enum(["tensorrt", "cuda", "cpu"]);

const tensorrtSchema = z.strictObject({
  /** Build FP16 engines (Jetson: roughly 2x over FP32 at no visible accuracy cost). */
  fp16: z.boolean().default(true),
  /** Build INT8 engines; needs a QDQ model or a calibration table. */
  int8: z.boolean().default(false),
  /** Serialised engines are kept here so only the first start pays the build (minutes on a Jetson). */
  engine_cache_dir: z.string().optional(),
  /** TensorRT tactic timing cache, shared between models to speed up engine builds. */
  timing_cache_dir: z.string().optional(),
  /** INT8 calibration table (from `hearth calibrate quantize`) for models without Q/DQ nodes. */
  int8_calibration_table: z.string().optional(),
  /** true: the table is TensorRT's native text cache; false: onnxruntime's FlatBuffer table, which hearth writes. */
  int8_use_native_calibration_table: z.boolean().default(false),
  /** Workspace for tactic selection, in MiB. */
  max_workspace_mb: z.number().int().min(16).default(1024),
});

const cudaSchema = z.strictObject({
  device_id: z.number().int().min(0).default(0),
  /** Upper bound of the CUDA memory arena, in MiB (Jetson memory is shared with the CPU). */
  memory_limit_mb: z.number().int().min(16).optional(),
});

const userModelSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "lower-case letters, digits, '.', '_' and '-' only"),
  /** Absolute path, or relative to the store directory. */
  path: z.string().min(1),
  /** Verified before loading when given (hex, 64 characters). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits").optional(),
  role: z.enum(["wakeword-features", "wakeword-embedding", "wakeword-keyword", "vad", "asr", "detector", "face"]),
  licence: z.string().default("user-supplied"),
});

export const modelsSchema = z.strictObject({
  /** Store directory; default `$HEARTH_MODEL_DIR`, else `$XDG_DATA_HOME/hearth/models`. */
  dir: z.string().optional(),
  /** Execution providers in order of preference; the first one the runtime has wins. */
  providers: z.array(providerSchema).min(1).default(["tensorrt", "cuda", "cpu"]),
  /** Intra-op threads per session for models run on demand (detector, ASR). */
  threads: z.number().int().min(1).max(64).default(2),
  /** Intra-op threads for always-on models (wake word, VAD), kept low so they never starve the rest. */
  always_on_threads: z.number().int().min(1).max(64).default(1),
  /** One inference at load so the first real one is not the slow one. */
  warmup: z.boolean().default(true),
  tensorrt: tensorrtSchema.default(tensorrtSchema.parse({})),
  cuda: cudaSchema.default(cudaSchema.parse({})),
  /**
   * INT8 models to use instead of FP32: model id → the `--out` directory of a
   * `hearth calibrate quantize` run. Used only when its report.json says `verdict: int8`
   * (faster and still right); the QDQ file is verified by the sha256 in the report.
   */
  int8: z.record(z.string(), z.string()).default({}),
  /** Extra models, added to the manifest under their own ids. */
  user: z.array(userModelSchema).default([]),
});

export type ModelsConfig = z.infer<typeof modelsSchema>;
export type UserModelConfig = z.infer<typeof userModelSchema>;
