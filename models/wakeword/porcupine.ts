/**
 * Optional Porcupine backend (Picovoice, `@picovoice/porcupine-node`), loaded
 * lazily: the package is not a dependency and needs an AccessKey. Every way
 * it can fail at start-up (no key, no package, unsupported CPU, key rejected)
 * becomes a `WakeWordBackendError` that says exactly that and names the
 * built-in openWakeWord backend as the alternative.
 */
import { readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import type { WakeWordConfig } from "../../agent/config/wakeword.ts";
import type { WakeWordEngine, WakeWordResult } from "./detection.ts";

export const PORCUPINE_PACKAGE = "@picovoice/porcupine-node";

/** A wake word backend cannot start; the message says why and what to use instead. */
export class WakeWordBackendError extends Error {
  constructor(readonly backend: string, readonly reason: "no_key" | "no_package" | "unsupported_cpu" | "key_rejected" | "failed", message: string) {
    super(`wake word backend "${backend}": ${message}; use backend "openwakeword" (built in, no key) instead`);
    this.name = "WakeWordBackendError";
  }
}

/** The part of porcupine-node's API hearth uses. */
interface PorcupineHandle {
  readonly frameLength: number;
  readonly sampleRate: number;
  process(frame: Int16Array): number;
  release(): void;
}
interface PorcupineModule {
  Porcupine: new (accessKey: string, keywords: string[], sensitivities: number[]) => PorcupineHandle;
}

/** How the package is imported (a parameter so the lookup stays lazy). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

function accessKey(config: WakeWordConfig["porcupine"]): string | undefined {
  if (config.access_key) return config.access_key.trim();
  if (!config.access_key_file) return undefined;
  try {
    return readFileSync(config.access_key_file, "utf8").trim() || undefined;
  } catch (err) {
    throw new WakeWordBackendError("porcupine", "no_key", `cannot read wakeword.porcupine.access_key_file ${config.access_key_file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Open a Porcupine handle, or explain why not. @throws WakeWordBackendError */
async function openPorcupine(config: WakeWordConfig["porcupine"], importer: ModuleImporter): Promise<PorcupineHandle> {
  const key = accessKey(config);
  if (!key) throw new WakeWordBackendError("porcupine", "no_key", "no Picovoice AccessKey configured (set wakeword.porcupine.access_key or access_key_file)");
  let mod: PorcupineModule;
  try {
    mod = (await importer(PORCUPINE_PACKAGE)) as PorcupineModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new WakeWordBackendError("porcupine", "no_package", `package ${PORCUPINE_PACKAGE} is not installed (npm install ${PORCUPINE_PACKAGE})`);
    }
    throw unsupportedOr(err as Error);
  }
  const sensitivities = config.sensitivities ?? config.keywords.map(() => 0.5);
  if (sensitivities.length !== config.keywords.length) {
    throw new WakeWordBackendError("porcupine", "failed", `wakeword.porcupine.sensitivities has ${sensitivities.length} values for ${config.keywords.length} keywords`);
  }
  try {
    return new mod.Porcupine(key, config.keywords, sensitivities);
  } catch (err) {
    const e = err as Error;
    if (/activation|access ?key|accesskey|invalid key/i.test(`${e.name} ${e.message}`)) {
      throw new WakeWordBackendError("porcupine", "key_rejected", `Picovoice rejected the AccessKey (${e.name}: ${e.message})`);
    }
    throw unsupportedOr(e);
  }
}

function unsupportedOr(err: Error): WakeWordBackendError {
  if (/platform|cpu|architecture|unsupported|not supported/i.test(err.message)) {
    return new WakeWordBackendError("porcupine", "unsupported_cpu", `Porcupine does not run on this machine (${platform()}/${arch()}): ${err.message}`);
  }
  return new WakeWordBackendError("porcupine", "failed", `cannot start Porcupine: ${err.message}`);
}

/**
 * Porcupine engine for one stream; scores are 1 on the frame where Porcupine reports a keyword, else 0
 * (Porcupine exposes no score; its sensitivity plays the threshold's role).
 */
export class PorcupineDetector implements WakeWordEngine {
  readonly backend = "porcupine";
  readonly models: readonly string[];
  private pending: Int16Array;
  private pendingLength = 0;
  private framesDone = 0;

  private constructor(private readonly handle: PorcupineHandle, keywords: string[]) {
    this.models = keywords;
    this.pending = new Int16Array(handle.frameLength);
  }

  /** @throws WakeWordBackendError explaining why Porcupine cannot start. */
  static async open(config: WakeWordConfig["porcupine"], importer: ModuleImporter = defaultImporter): Promise<PorcupineDetector> {
    return new PorcupineDetector(await openPorcupine(config, importer), config.keywords);
  }

  async reset(): Promise<void> {
    this.pendingLength = 0;
    this.framesDone = 0;
  }

  async process(samples: Int16Array): Promise<WakeWordResult> {
    const result: WakeWordResult = { scores: Object.fromEntries(this.models.map((m) => [m, 0])), frames: [], detections: [] };
    const n = this.handle.frameLength;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(n - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength < n) break;
      this.pendingLength = 0;
      const index = this.handle.process(this.pending);
      this.framesDone++;
      const t_ms = (this.framesDone * n * 1000) / this.handle.sampleRate;
      const scores = Object.fromEntries(this.models.map((m, i) => [m, i === index ? 1 : 0]));
      result.frames.push({ t_ms, scores });
      if (index >= 0) {
        result.scores[this.models[index]!] = 1;
        result.detections.push({ model: this.models[index]!, score: 1, t_ms });
      }
    }
    return result;
  }

  /** Free the native handle. */
  release(): void {
    this.handle.release();
  }
}
