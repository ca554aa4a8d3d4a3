/**
 * The vision questions as one answerer for the understander: live ones
 * (presence, count, where, what do you see) from the cameras' tracks, history
 * ones from the visual memory when it is on. Intent names are hearth's own
 * (HA has no vision intents), prefixed HassVision like the sentence files.
 */
import type { SlotValue } from "../intent/matcher.ts";
import type { HistoryAnswers } from "../memory/history-answers.ts";
import type { MemoryStore } from "../memory/store.ts";
import type { AskContext, LiveAnswers } from "./live-answers.ts";
import type { PastSighting } from "./sightings.ts";

/** Intents answered from what the cameras see now. */
export const LIVE_VISION_INTENTS = ["HassVisionPresence", "HassVisionCount", "HassVisionWhere", "HassVisionScene"] as const;
/** Intents answered from the visual memory. */
export const HISTORY_VISION_INTENTS = ["HassVisionLastSeen", "HassVisionWasThere", "HassVisionDuration", "HassVisionVisits", "HassVisionSearch"] as const;

const ALL = new Set<string>([...LIVE_VISION_INTENTS, ...HISTORY_VISION_INTENTS]);

/** Whether `intent` is one of the vision questions. */
export function isVisionIntent(intent: string): boolean {
  return ALL.has(intent);
}

/**
 * "Is anyone in the kitchen" asked two ways: HA's HassGetState of occupancy
 * sensors, or the cameras' presence. The slots of the one as the other, so the
 * understander can let whichever knows the place answer.
 */
export function occupancyQuestion(slots: Record<string, SlotValue>): Record<string, SlotValue> {
  return { domain: "binary_sensor", device_class: "occupancy", state: "on", ...(slots.area !== undefined ? { area: slots.area } : {}) };
}

/** The presence question of a HassGetState occupancy question (no entity named, state on); undefined for any other. */
export function presenceQuestion(intent: string, slots: Record<string, SlotValue>): Record<string, SlotValue> | undefined {
  if (intent !== "HassGetState" || slots.device_class !== "occupancy" || slots.name !== undefined || slots.state !== "on") return undefined;
  return { label: "person", ...(slots.area !== undefined ? { area: slots.area } : {}) };
}

/** Said when a vision question comes and no camera is configured. */
export const NO_CAMERAS = "I have no cameras, so I can't see anything.";
/** Said when a history question comes and the memory is off. */
export const NO_MEMORY = "I don't keep a memory of what the cameras saw; set memory.enabled in the config to have one.";

export class VisionAnswerer {
  constructor(private readonly live: LiveAnswers, private readonly history?: HistoryAnswers, private readonly store?: MemoryStore) {}

  /**
   * The answer to a vision intent. @throws Error for an intent that is no vision
   * question, or a slot value the lists cannot give (a label or span unknown to the code).
   */
  answer(intent: string, slots: Record<string, SlotValue>, context: AskContext = {}): string {
    switch (intent) {
      case "HassVisionPresence":
        return this.live.presence(slots, context);
      case "HassVisionCount":
        return this.live.count(slots, context);
      case "HassVisionScene":
        return this.live.scene(slots, context);
      case "HassVisionWhere":
        return this.live.where(slots, (labels) => this.lastInMemory(labels));
    }
    if (!this.history) {
      if (intent === "HassVisionLastSeen" && slots.edge === undefined && slots.area === undefined && slots.zone === undefined) return this.live.where(slots);
      if (isVisionIntent(intent)) return NO_MEMORY;
    }
    switch (intent) {
      case "HassVisionLastSeen":
        return this.history!.lastSeen(slots, context);
      case "HassVisionWasThere":
        return this.history!.wasThere(slots, context);
      case "HassVisionDuration":
        return this.history!.duration(slots, context);
      case "HassVisionVisits":
        return this.history!.visits(slots, context);
      case "HassVisionSearch":
        return this.history!.search(slots, context);
    }
    throw new Error(`${intent}: not a vision question`);
  }

  /** Whether a camera shows the place a question names (see LiveAnswers.covers). */
  covers(slots: Record<string, SlotValue>, context: AskContext = {}): boolean {
    return this.live.covers(slots, context);
  }

  /** The newest ended event of `labels` in the memory, as a sighting. */
  private lastInMemory(labels: string[]): PastSighting | undefined {
    const event = this.store?.search({ label: labels, limit: 20 }).filter((e) => e.end_ms !== null).sort((a, b) => b.end_ms! - a.end_ms!)[0];
    return event && { camera: event.camera, label: event.label, zones: event.zones, areas: event.areas, first_ms: event.start_ms, last_ms: event.end_ms! };
  }
}
