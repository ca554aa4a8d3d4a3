/**
 * Worker thread body: trains the fallback model and fits its calibration for
 * one sentence set (seconds on a small CPU), so that the agent's event loop
 * keeps answering commands meanwhile (live.ts `prepare`). Input: workerData
 * `{ set, model? }` (structured clones of the CustomIntents and, when only the
 * calibration is missing, of the model already trained); output: one message
 * `{ model, calibration }` (model.ts FallbackModelData, recognizer.ts
 * CalibrationData) or `{ error }`. Training is deterministic (fixed seeds),
 * so the result is the one the agent's own thread would have built.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { CustomIntents } from "../custom-intents.ts";
import { installModel, modelFor, modelToData, type FallbackModelData } from "./model.ts";
import { calibrationToData, FallbackRecognizer } from "./recognizer.ts";

const { set, model: trained } = workerData as { set: CustomIntents; model?: FallbackModelData };
try {
  const model = trained ? installModel(trained) : modelFor(set);
  const recognizer = new FallbackRecognizer(set, model);
  parentPort!.postMessage({ model: modelToData(model), calibration: calibrationToData(recognizer) });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
