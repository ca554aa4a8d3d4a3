/**
 * A fallback recognizer that follows the strict recognizer's sentence set:
 * when the registry's names change, the strict recognizer rebuilds its set
 * (debounced, recognizer.ts) and this one rebuilds the fallback for it, the
 * same quiet time after the last change, off the recognition path. Only the
 * fuzzy name index is rebuilt then (milliseconds for a 1,000-entity home): the
 * classifier depends on the templates alone and is trained once per set of
 * templates, and the calibration once per order of magnitude of names
 * (model.ts, recognizer.ts).
 *
 * Training and calibrating take seconds on a small CPU. `prepare()` does
 * them on a worker thread (build-worker.ts) whenever the current sentence
 * set needs them (at start-up, and when the home grows into a new calibration
 * bucket), so that neither the first command nor a discovery burst stalls the
 * event loop; a command that needs the fallback meanwhile waits for the
 * worker (`ready()`) instead of building it a second time.
 */
import { Worker } from "node:worker_threads";
import type { EntityRegistry } from "../../../devices/registry.ts";
import { logger } from "../../log.ts";
import type { CustomIntents } from "../custom-intents.ts";
import type { LiveIntentRecognizer, RecognitionContext } from "../recognizer.ts";
import { hasModelFor, installModel, modelFor, modelToData, type FallbackModelData } from "./model.ts";
import { FallbackRecognizer, hasCalibrationFor, installCalibration, type CalibrationData, type FallbackReading } from "./recognizer.ts";

const log = logger("agent/intent/fallback");

/** Quiet time after the last name change before the fallback is rebuilt (as the strict recognizer's). */
const REBUILD_DEBOUNCE_MS = 250;

export class LiveFallbackRecognizer {
  private recognizer: FallbackRecognizer | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private builtVersion = -1;
  /** The worker build in flight, if any. */
  private building: Promise<void> | undefined;
  /** Whether the debounced rebuild may hand slow builds to a worker (set by `prepare`). */
  private background = false;
  private readonly onChange = () => {
    // State updates do not change names: nothing to rebuild.
    if (this.registry.namesVersion === this.builtVersion) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      try {
        if (this.background && this.needsWork()) void this.prepare();
        else this.current();
      } catch (err) {
        log.error({ err: (err as Error).message }, "fallback recognizer cannot be built");
      }
    }, REBUILD_DEBOUNCE_MS);
    this.debounce.unref();
  };

  constructor(private readonly registry: EntityRegistry, private readonly strict: LiveIntentRecognizer) {
    registry.on("change", this.onChange);
  }

  /** The fallback built for the strict recognizer's current sentence set (built now when that set changed). */
  current(): FallbackRecognizer {
    // Local intents are learned but never read (model.ts isUnreadIntent).
    const set = this.strict.current().sentenceSet;
    this.builtVersion = this.registry.namesVersion;
    if (this.recognizer?.set !== set) {
      const started = performance.now();
      this.recognizer = new FallbackRecognizer(set);
      log.debug({ ms: Math.round(performance.now() - started), calibration: this.recognizer.calibration }, "fallback recognizer built");
    }
    return this.recognizer;
  }

  /** Whether building for the current sentence set would train or calibrate (seconds) rather than reuse (milliseconds). */
  private needsWork(): boolean {
    const set = this.strict.current().sentenceSet;
    return !hasModelFor(set) || !hasCalibrationFor(modelFor(set), set);
  }

  /**
   * Train and calibrate for the current sentence set on a worker thread when
   * that is needed, then build (milliseconds); from then on, the debounced
   * rebuilds after name changes do the same. Resolves when done; a worker that
   * fails is logged and the next recognition builds on the caller's thread.
   */
  prepare(): Promise<void> {
    this.background = true;
    if (this.building) return this.building;
    const set = this.strict.current().sentenceSet;
    if (hasModelFor(set) && hasCalibrationFor(modelFor(set), set)) {
      this.current();
      return Promise.resolve();
    }
    const started = performance.now();
    const built = new Promise<void>((resolve) => {
      // A model trained before (only the calibration bucket changed) goes along, so the worker does not train it again.
      const model = hasModelFor(set) ? modelToData(modelFor(set)) : undefined;
      let settled = false;
      let worker: Worker | undefined;
      const done = (problem?: string) => {
        if (settled) return;
        settled = true;
        if (problem) log.error({ err: problem }, "fallback recognizer could not be built on a worker thread; it will be built when first needed");
        void worker?.terminate();
        resolve();
      };
      try {
        worker = new Worker(new URL("./build-worker.mjs", import.meta.url), { workerData: { set, model } });
      } catch (err) {
        // A set that cannot be cloned (or no worker threads): the old way, on first need.
        return done((err as Error).message);
      }
      worker.unref();
      worker.once("message", (result: { model: FallbackModelData; calibration: CalibrationData } | { error: string }) => {
        if ("error" in result) return done(result.error);
        try {
          installCalibration(installModel(result.model), result.calibration);
          this.current();
          log.info({ ms: Math.round(performance.now() - started), calibration: result.calibration.stats }, "fallback recognizer built on a worker thread");
          done();
        } catch (err) {
          done((err as Error).message);
        }
      });
      worker.once("error", (err) => done(err.message));
      worker.once("exit", (code) => done(code === 0 ? undefined : `worker exited with code ${code}`));
    });
    this.building = built.finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  /** Resolves once no worker build is in flight (at once when none is). */
  ready(): Promise<void> {
    return this.building ?? Promise.resolve();
  }

  /** Readings of `text`, most confident first; see FallbackRecognizer.recognize. */
  recognize(text: string, context: RecognitionContext = {}): FallbackReading[] {
    return this.current().recognize(text, context);
  }

  /** Stop following the registry. */
  close(): void {
    clearTimeout(this.debounce);
    this.registry.off("change", this.onChange);
  }
}
