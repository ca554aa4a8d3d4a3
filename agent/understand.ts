/**
 * Turns one utterance into an Understanding for the controller: the text
 * intent recognizer, then the resolver against the registry, then the English
 * response. A follow-up answer to a clarification picks one of the candidates
 * by name or area and is resolved again with that entity.
 */
import { compileTemplate } from "../devices/template.ts";
import type { OutgoingMessage } from "../devices/entity.ts";
import type { EntityRegistry } from "../devices/registry.ts";
import type { CommandRequest, Understanding } from "./controller/types.ts";
import type { LiveIntentRecognizer, RecognizedIntent } from "./intent/recognizer.ts";
import { chooseCandidate } from "./intent/follow-up.ts";
import type { LocalIntents } from "./local/local-intents.ts";
import { responseFor } from "./intent/responses.ts";
import { resolveIntent, type Resolution } from "./resolve/resolver.ts";
import { isHere, resolveCommandArea, type OccupancySnapshot } from "./vision/fusion.ts";

export const NOT_UNDERSTOOD = "Sorry, I didn't understand";

export interface UnderstandDeps {
  registry: EntityRegistry;
  recognizer: LiveIntentRecognizer;
  /** Area assumed when the input has none (config `agent.default_area`). */
  defaultArea?: string;
  /** Topic of hearth's own intent event entity, for custom intents whose action is an HA event. */
  eventTopic: string;
  /** People per area seen by the cameras, for commands from a microphone without an area or with "here". */
  occupancy?: () => OccupancySnapshot;
  /** Intents hearth answers or carries out by itself (clock, timers, broadcast, what needs HA). */
  local?: LocalIntents;
}

function customMessages(resolution: Extract<Resolution, { kind: "custom" }>, eventTopic: string): { messages: OutgoingMessage[]; event?: { event_type: string; data: Record<string, unknown> } } {
  const action = resolution.action;
  if (!action) return { messages: [] };
  if ("mqtt" in action) {
    const payload = compileTemplate(action.mqtt.payload)({ slots: resolution.slots, intent: resolution.intent });
    return { messages: [{ topic: action.mqtt.topic, payload, qos: action.mqtt.qos, retain: action.mqtt.retain }] };
  }
  const event = { event_type: action.event.event_type, data: { ...action.event.data, intent: resolution.intent, slots: resolution.slots } };
  return { messages: [{ topic: eventTopic, payload: JSON.stringify(event), qos: 1, retain: false }], event };
}

/** Map a resolution onto the controller's Understanding. */
export function toUnderstanding(resolution: Resolution, recognized: RecognizedIntent | null, eventTopic: string): Understanding {
  const slots = (recognized?.slots ?? {}) as Record<string, unknown>;
  switch (resolution.kind) {
    case "act":
      return {
        kind: "act",
        intent: resolution.intent,
        slots: resolution.slots,
        targets: resolution.targets,
        response: responseFor(resolution, { confirmed: true }),
        confirmation: resolution.confirm ? responseFor(resolution) : undefined,
      };
    case "answer":
      return { kind: "answer", intent: resolution.intent, slots, response: responseFor(resolution) };
    case "clarify":
      return { kind: "clarify", intent: resolution.intent, slots, question: resolution.question, candidates: resolution.candidates };
    case "cancel":
      return { kind: "nevermind", intent: "HassNevermind", response: "Okay" };
    case "custom":
      return { kind: "custom", intent: resolution.intent, slots: resolution.slots, ...customMessages(resolution, eventTopic), response: responseFor(resolution) };
    case "error":
      if (resolution.reason === "not_understood") return { kind: "not_understood", response: NOT_UNDERSTOOD };
      return { kind: "error", intent: resolution.intent, slots, response: responseFor(resolution), error: resolution.reason };
  }
}

/** The controller's `understand` actor. */
export function createUnderstander(deps: UnderstandDeps) {
  return async (request: CommandRequest, pending?: Extract<Understanding, { kind: "clarify" }>): Promise<Understanding> => {
    if (request.messages) {
      return { kind: "custom", intent: request.intent?.name ?? "mqtt", slots: request.intent?.slots ?? {}, messages: request.messages, response: "Done" };
    }
    let area = request.origin.area ?? deps.defaultArea;
    if (pending) {
      const chosen = chooseCandidate(request.text, pending.candidates);
      if (!chosen) {
        // Not an answer but a command of its own ("turn on the porch light"): the question is dropped, as in a confirmation.
        const fresh = deps.recognizer.recognize(request.text, { area });
        if (fresh && deps.local?.handles(fresh.intent)) return deps.local.understand(fresh, { ...request.origin, ...(area ? { area } : {}) });
        if (fresh) return toUnderstanding(resolveIntent(fresh, deps.registry, { area }), fresh, deps.eventTopic);
        return { kind: "not_understood", response: `Sorry, I still don't know which one you mean.` };
      }
      const slots = { ...(pending.slots as RecognizedIntent["slots"]), name: chosen.name, ...(chosen.area ? { area: chosen.area } : {}) };
      const recognized: RecognizedIntent = { intent: pending.intent, slots, confidence: 1, unknownSlots: [], sentence: "(clarification)", text: request.text };
      return toUnderstanding(resolveIntent(recognized, deps.registry, { area }), recognized, deps.eventTopic);
    }
    const recognized: RecognizedIntent | null = request.intent
      ? { intent: request.intent.name, slots: request.intent.slots as RecognizedIntent["slots"], confidence: 1, unknownSlots: [], sentence: "(rule)", text: request.text }
      : deps.recognizer.recognize(request.text, { area: request.origin.area ?? deps.defaultArea });
    // Clock, timers, broadcast and the refusals name no device: no area or presence to resolve.
    if (recognized && deps.local?.handles(recognized.intent)) return deps.local.understand(recognized, { ...request.origin, ...(area ? { area } : {}) });
    if (recognized && deps.occupancy && (request.origin.kind === "voice" || isHere(String(recognized.slots.area ?? "")))) {
      // Presence fusion: "turn on the light" from an area-less microphone, or "… here", means the occupied room.
      const slotArea = typeof recognized.slots.area === "string" ? recognized.slots.area : undefined;
      const fused = resolveCommandArea(slotArea, { area: request.origin.area }, deps.occupancy(), {
        areaKey: (a) => deps.registry.findArea(a)?.id ?? a.toLowerCase(),
      });
      if (fused.kind === "clarify") return { kind: "error", intent: recognized.intent, slots: recognized.slots, response: fused.question, error: "ambiguous_area" };
      if (fused.kind === "area") {
        area = fused.area;
        if (slotArea !== undefined && isHere(slotArea)) recognized.slots = { ...recognized.slots, area: fused.area };
      }
    }
    return toUnderstanding(resolveIntent(recognized, deps.registry, { area }), recognized, deps.eventTopic);
  };
}
