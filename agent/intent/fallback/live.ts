/**
 * A fallback recognizer that follows the strict recognizer's sentence set:
 * when the registry's names change, the strict recognizer rebuilds its set
 * (debounced, recognizer.ts) and this one rebuilds the fallback for it, the
 * same quiet time after the last change, off the recognition path. Only the
 * fuzzy name index is rebuilt then (milliseconds for a 1,000-entity home): the
 * classifier depends on the templates alone and is trained once per set of
 * templates, and the calibration once per order of magnitude of names
 * (model.ts, recognizer.ts).
 */
import type { EntityRegistry } from "../../../devices/registry.ts";
import { logger } from "../../log.ts";
import type { CustomIntents } from "../custom-intents.ts";
import type { LiveIntentRecognizer, RecognitionContext } from "../recognizer.ts";
import { FallbackRecognizer, type FallbackReading } from "./recognizer.ts";

const log = logger("agent/intent/fallback");

/** Quiet time after the last name change before the fallback is rebuilt (as the strict recognizer's). */
const REBUILD_DEBOUNCE_MS = 250;

export class LiveFallbackRecognizer {
  private recognizer: FallbackRecognizer | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private builtVersion = -1;
  private readonly onChange = () => {
    // State updates do not change names: nothing to rebuild.
    if (this.registry.namesVersion === this.builtVersion) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      try {
        this.current();
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
