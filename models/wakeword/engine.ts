/**
 * Chooses and loads the wake word backend from the `wakeword` config section
 * and hands out one engine per audio source. When Porcupine is configured but
 * cannot start, start-up logs exactly why and falls back to openWakeWord.
 */
import type { WakeWordConfig } from "../../agent/config/wakeword.ts";
import { logger } from "../../agent/log.ts";
import type { ExecutionProvider } from "../session.ts";
import type { WakeWordEngine } from "./detection.ts";
import { OpenWakeWordModels } from "./openwakeword.ts";
import { PorcupineDetector, WakeWordBackendError, type ModuleImporter } from "./porcupine.ts";

const log = logger("models/wakeword");

/** Loaded wake word models; `create` gives a fresh engine for one source. */
export interface WakeWordEngineFactory {
  backend: "openwakeword" | "porcupine";
  models: readonly string[];
  create(): Promise<WakeWordEngine>;
}

/**
 * Load the configured backend.
 * @throws Error for an unknown, missing or incompatible openWakeWord model (naming it).
 */
export async function loadWakeWord(
  config: WakeWordConfig,
  options: { providers?: ExecutionProvider[]; importer?: ModuleImporter } = {},
): Promise<WakeWordEngineFactory> {
  if (config.backend === "porcupine") {
    try {
      const first = await PorcupineDetector.open(config.porcupine, options.importer);
      let handed = false;
      return {
        backend: "porcupine",
        models: first.models,
        create: async () => {
          if (!handed) {
            handed = true;
            return first;
          }
          return PorcupineDetector.open(config.porcupine, options.importer);
        },
      };
    } catch (err) {
      if (!(err instanceof WakeWordBackendError)) throw err;
      log.error({ reason: err.reason }, `${err.message}; falling back to openwakeword with models ${config.models.map((m) => m.model).join(", ")}`);
    }
  }
  const models = await OpenWakeWordModels.load(config.models, options.providers, config.level);
  return { backend: "openwakeword", models: models.classifiers.map((c) => c.ref.name), create: () => models.detector() };
}
