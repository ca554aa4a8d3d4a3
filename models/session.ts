/**
 * ONNX Runtime session factory: tries the configured execution providers in
 * order, limits threads for always-on models, and warms each session up once
 * so the first real inference is not the slow one.
 */
import * as ort from "onnxruntime-node";
import { logger } from "../agent/log.ts";

const log = logger("models/session");

export type ExecutionProvider = "tensorrt" | "cuda" | "cpu";

export interface SessionOptions {
  /** Providers in order of preference; the first that the runtime has wins. Default `["cpu"]`. */
  providers?: ExecutionProvider[];
  /** Intra-op threads (default 1: always-on models must not starve the others). */
  intraOpThreads?: number;
  /** Feeds for a warm-up run; skipped when omitted. */
  warmup?: () => Record<string, ort.Tensor>;
  /** Silence onnxruntime's own warnings (e.g. initializers listed as graph inputs). */
  quiet?: boolean;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  provider: ExecutionProvider;
  path: string;
}

/**
 * Create a session for `path` with the first usable provider.
 * @throws Error naming the path when no provider can load the model.
 */
export async function createSession(path: string, options: SessionOptions = {}): Promise<LoadedSession> {
  const providers = options.providers ?? ["cpu"];
  const available = new Set(ort.listSupportedBackends().filter((b) => b.bundled).map((b) => b.name));
  const errors: string[] = [];
  for (const provider of providers) {
    if (provider !== "cpu" && !available.has(provider)) {
      const reason = `${provider} is not in this onnxruntime-node build (bundled: ${[...available].join(", ")})`;
      log.info({ model: path, provider }, `skipping provider: ${reason}`);
      errors.push(reason);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(path, {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        logSeverityLevel: options.quiet ? 3 : 2,
      });
      if (options.warmup) await session.run(options.warmup());
      log.debug({ model: path, provider }, "session ready");
      return { session, provider, path };
    } catch (err) {
      errors.push(`${provider}: ${(err as Error).message}`);
    }
  }
  throw new Error(`cannot load ONNX model ${path}: ${errors.join("; ")}`);
}
