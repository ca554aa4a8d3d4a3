/**
 * Turns one utterance into an Understanding for the controller: the text
 * intent recognizer, then the resolver against the registry, then the English
 * response. A follow-up answer to a clarification picks one of the candidates
 * by name or area and is resolved again with that entity.
 */
import { compileTemplate } from "../devices/template.ts";
import type { OutgoingMessage } from "../devices/entity.ts";
import type { EntityRegistry } from "../devices/registry.ts";
import { FALLBACK_TEXT_DEFAULTS, FALLBACK_VOICE_DEFAULTS } from "./config/fallback.ts";
import { fallbackDecision, proposal, type FallbackThresholds } from "./controller/fallback-policy.ts";
import type { CommandRequest, Decision, Understanding } from "./controller/types.ts";
import { LiveFallbackRecognizer } from "./intent/fallback/live.ts";
import { FallbackRecognizer } from "./intent/fallback/recognizer.ts";
import type { LiveIntentRecognizer, RecognizedIntent } from "./intent/recognizer.ts";
import { coordinatedCommands } from "./intent/coordination.ts";
import { chooseCandidate } from "./intent/follow-up.ts";
import { LocalIntents } from "./local/local-intents.ts";
import { joinResponses, responseFor } from "./intent/responses.ts";
import { resolveIntent, type Resolution } from "./resolve/resolver.ts";
import { isHere, resolveCommandArea, type OccupancySnapshot } from "./vision/fusion.ts";
import { isVisionIntent, NO_CAMERAS, occupancyQuestion, presenceQuestion, type VisionAnswerer } from "./vision/questions.ts";

export const NOT_UNDERSTOOD = "Sorry, I didn't understand";

/** The last word of an unknown name that says what kind of device it is ("my bedside lamp", "the tv socket"), by domain. */
const KIND_WORDS: Record<string, string> = {
  light: "light", lights: "light", lamp: "light", lamps: "light", bulb: "light", bulbs: "light", lighting: "light", lightbulb: "light", lightbulbs: "light",
  plug: "switch", plugs: "switch", socket: "switch", sockets: "switch", outlet: "switch", outlets: "switch",
  fan: "fan", fans: "fan",
};
const NUMBER_WORD = /^(\d+|one|two|three|four|five|six|seven|eight|nine|ten)$/;
/** Intents an unknown name of a known kind may be guessed for (switching and light settings; never a lock or a cover). */
const KIND_GUESS_INTENTS = new Set(["HassTurnOn", "HassTurnOff", "HassToggle", "HassLightSet"]);
/** A request after a statement: "it's too bright in here, can you turn a light off". */
const REQUEST_MARKER = /[\s,.!?;:]((can|could) (you|u)|please)\s+\S/g;
/** A text that starts as a question about something done is no request ("why would you turn off the lights", "did you …"). */
const QUESTION_START = /^\s*(why|how|what|when|where|who|did|didn|do|does|don|doesn|have|has|is|are|was|were)\b/i;

export interface UnderstandDeps {
  registry: EntityRegistry;
  recognizer: LiveIntentRecognizer;
  /**
   * The recognizer behind the templates (agent/intent/fallback/), asked when
   * no template matches (or only with an unknown name that resolves to
   * nothing). Default: one built on `recognizer`'s sentence set; null: none.
   */
  fallback?: LiveFallbackRecognizer | null;
  /** Act / confirm thresholds of the fallback's confidence (config `intents.fallback`). */
  fallbackThresholds?: { text: FallbackThresholds; voice: FallbackThresholds };
  /** Area assumed when the input has none (config `agent.default_area`). */
  defaultArea?: string;
  /** Topic of hearth's own intent event entity, for custom intents whose action is an HA event. */
  eventTopic: string;
  /** People per area seen by the cameras, for commands from a microphone without an area or with "here". */
  occupancy?: () => OccupancySnapshot;
  /** Answers questions about what the cameras see and saw (absent or undefined: no cameras). */
  vision?: () => VisionAnswerer | undefined;
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

/** The decision a template match (or a rule, or a reply) leads to, with its confidence. */
function strictDecision(u: Understanding, confidence: number, recognizedBy: Understanding["recognizedBy"]): Understanding {
  let decision: Decision;
  if (u.kind === "act" || u.kind === "custom") decision = u.confirmation ? "confirm" : "act";
  else if (u.kind === "clarify") decision = "clarify";
  else if (u.kind === "answer" || u.kind === "nevermind") decision = "act";
  else decision = "refuse";
  return { ...u, decision, confidence: u.kind === "not_understood" ? 0 : confidence, recognizedBy };
}

/** The controller's `understand` actor. */
export function createUnderstander(deps: UnderstandDeps) {
  const fallback = deps.fallback === undefined ? new LiveFallbackRecognizer(deps.registry, deps.recognizer) : deps.fallback;
  const thresholds = deps.fallbackThresholds ?? { text: FALLBACK_TEXT_DEFAULTS, voice: FALLBACK_VOICE_DEFAULTS };

  /**
   * The fallback's policy: its readings, most confident first, until one
   * resolves to something to do. At or above `act` it is done (sensitive
   * actions still ask); at or above `confirm` a yes/no question comes first;
   * below, or when no reading resolves to a target, it is refused. An answer
   * or a "which one?" of middle confidence is refused rather than asked about,
   * and so is an answer to a question with words hearth does not know.
   */
  const tryFallback = async (request: CommandRequest, area: string | undefined): Promise<Understanding | undefined> => {
    if (!fallback) return undefined;
    // Built on a worker thread at start-up (live.ts prepare): wait for it rather than build it here.
    await fallback.ready();
    const limits = request.origin.kind === "voice" || request.freeTranscript ? thresholds.voice : thresholds.text;
    const readings = fallback.recognize(request.text, { area });
    for (const reading of readings) {
      const decision = fallbackDecision(reading.confidence, limits, reading.evidence.unknownWords.length);
      if (decision === "refuse") break;
      const recognized = FallbackRecognizer.asRecognized(reading, request.text);
      const resolution = resolveIntent(recognized, deps.registry, { area });
      if (resolution.kind === "error" || resolution.kind === "cancel") continue;
      const u = toUnderstanding(resolution, recognized, deps.eventTopic);
      const meta = { confidence: reading.confidence, recognizedBy: "fallback" as const };
      if (u.kind === "act" || u.kind === "custom") {
        if (u.confirmation) return { ...u, ...meta, decision: "confirm" };
        if (decision === "act") return { ...u, ...meta, decision: "act" };
        return { ...u, ...meta, decision: "confirm", confirmation: proposal(resolution) };
      }
      // A question with words hearth does not know is about something else ("how hot is it in Miami").
      if (decision !== "act" || (u.kind === "answer" && reading.evidence.unknownWords.length > 0)) continue;
      return { ...u, ...meta, decision: u.kind === "clarify" ? "clarify" : "act" };
    }
    // Refused: the event still says how sure the best guess was.
    if (readings[0]) return { kind: "not_understood", response: NOT_UNDERSTOOD, decision: "refuse", confidence: readings[0].confidence, recognizedBy: "fallback" };
    return undefined;
  };

  /**
   * A text of commands joined by "and" (coordination.ts): every part resolved
   * on its own, their targets acted on together (each entity once), one
   * response. A part that does not resolve to an action (an unknown area, a
   * "which one?") is what hearth says instead, and nothing is done. Local and
   * vision intents are never joined.
   */
  const coordinated = (request: CommandRequest, area: string | undefined): Understanding | undefined => {
    const commands = coordinatedCommands(request.text, (text) => deps.recognizer.recognize(text, { area }));
    if (!commands || commands.some((c) => local.handles(c.intent) || isVisionIntent(c.intent))) return undefined;
    const parts = commands.map((c) => ({ recognized: c, resolution: resolveIntent(c, deps.registry, { area }) }));
    const stuck = parts.find((p) => p.resolution.kind !== "act");
    if (stuck) return strictDecision(toUnderstanding(stuck.resolution, stuck.recognized, deps.eventTopic), 1, "template");
    const acts = parts.map((p) => toUnderstanding(p.resolution, p.recognized, deps.eventTopic) as Extract<Understanding, { kind: "act" }>);
    const seen = new Set<string>();
    const targets = acts.flatMap((u) => u.targets).filter((t) => !seen.has(t.entity.id) && seen.add(t.entity.id) !== undefined);
    const asking = acts.filter((u) => u.confirmation);
    const oneIntent = acts.every((u) => u.intent === acts[0]!.intent);
    const joined: Understanding = {
      kind: "act",
      intent: acts[0]!.intent,
      slots: acts[0]!.slots,
      targets,
      response: joinResponses(acts.map((u) => u.response), oneIntent),
      ...(asking.length ? { confirmation: joinResponses(asking.map((u) => u.confirmation!), oneIntent) } : {}),
    };
    return strictDecision(joined, 1, "template");
  };

  /**
   * An unknown name whose last word says its kind ("turn off my bedside lamp",
   * "the closet light" where no such name exists): a name hearth has not been
   * told, for a device of a kind it knows. hearth asks whether the lights (plugs,
   * fans) of the place said, else of the microphone's room, are meant — a guess
   * is never acted on without a yes.
   */
  const kindGuess = (recognized: RecognizedIntent, area: string | undefined): Understanding | undefined => {
    if (!KIND_GUESS_INTENTS.has(recognized.intent) || !recognized.unknownSlots.includes("name") || recognized.unknownSlots.length !== 1) return undefined;
    const words = String(recognized.slots.name).toLowerCase().split(/\s+/);
    // A number after the kind tells one of several apart ("desk lamp one", "light 2").
    if (words.length > 2 && NUMBER_WORD.test(words[words.length - 1]!)) words.pop();
    const domain = KIND_WORDS[words[words.length - 1]!];
    if (!domain || words.length < 2) return undefined;
    if (recognized.intent === "HassLightSet" && domain !== "light") return undefined;
    const { name: _name, ...slots } = recognized.slots;
    const place = slots.area ?? slots.floor ?? area;
    if (place === undefined) return undefined;
    const guess: RecognizedIntent = {
      ...recognized, slots: { ...slots, domain, ...(slots.area === undefined && slots.floor === undefined ? { area: place } : {}) }, unknownSlots: [],
      fromContext: slots.area === undefined && slots.floor === undefined ? ["area"] : [],
    };
    const resolution = resolveIntent(guess, deps.registry, { area });
    if (resolution.kind !== "act") return undefined;
    const u = toUnderstanding(resolution, guess, deps.eventTopic);
    if (u.kind !== "act") return undefined;
    return { ...u, decision: "confirm", confidence: recognized.confidence, recognizedBy: "template", confirmation: u.confirmation ?? proposal(resolution) };
  };

  /** The command after a statement ("it's too bright in here can you turn a light off"), when the templates match it whole. */
  const requestAfterStatement = (text: string, area: string | undefined): string | undefined => {
    if (QUESTION_START.test(text)) return undefined;
    let tail: string | undefined;
    for (const m of text.toLowerCase().matchAll(REQUEST_MARKER)) tail = text.slice(m.index! + 1);
    if (!tail) return undefined;
    const r = deps.recognizer.recognize(tail, { area });
    return r && r.confidence === 1 && r.unknownSlots.length === 0 ? tail : undefined;
  };

  // Clock, timers and "that needs Home Assistant" are understood by every understander; only the agent gives them timers and speakers.
  const local = deps.local ?? new LocalIntents({ check: (text, origin) => understand({ text, origin }) });
  const localUnderstanding = async (recognized: RecognizedIntent, origin: CommandRequest["origin"], area: string | undefined) =>
    strictDecision(await local.understand(recognized, { ...origin, ...(area ? { area } : {}) }), recognized.confidence, recognized.sentence === "(rule)" ? "rule" : "template");

  const understand = async (request: CommandRequest, pending?: Extract<Understanding, { kind: "clarify" }>): Promise<Understanding> => {
    if (request.messages) {
      return { kind: "custom", intent: request.intent?.name ?? "mqtt", slots: request.intent?.slots ?? {}, messages: request.messages, response: "Done", decision: "act", confidence: 1, recognizedBy: "rule" };
    }
    let area = request.origin.area ?? deps.defaultArea;
    if (pending) {
      const chosen = chooseCandidate(request.text, pending.candidates);
      if (!chosen) {
        // Not an answer but a command of its own ("turn on the porch light"): the question is dropped, as in a confirmation.
        const fresh = deps.recognizer.recognize(request.text, { area });
        if (fresh && local.handles(fresh.intent)) return localUnderstanding(fresh, request.origin, area);
        if (fresh) return strictDecision(toUnderstanding(resolveIntent(fresh, deps.registry, { area }), fresh, deps.eventTopic), fresh.confidence, "template");
        return { kind: "not_understood", response: `Sorry, I still don't know which one you mean.`, decision: "refuse", confidence: 0 };
      }
      const slots = { ...(pending.slots as RecognizedIntent["slots"]), name: chosen.name, ...(chosen.area ? { area: chosen.area } : {}) };
      const recognized: RecognizedIntent = { intent: pending.intent, slots, confidence: 1, unknownSlots: [], sentence: "(clarification)", text: request.text };
      return strictDecision(toUnderstanding(resolveIntent(recognized, deps.registry, { area }), recognized, deps.eventTopic), pending.confidence ?? 1, "reply");
    }
    if (request.freeTranscript) {
      return (await tryFallback(request, area)) ?? { kind: "not_understood", response: NOT_UNDERSTOOD, decision: "refuse", confidence: 0, recognizedBy: "fallback" };
    }
    const recognized: RecognizedIntent | null = request.intent
      ? { intent: request.intent.name, slots: request.intent.slots as RecognizedIntent["slots"], confidence: 1, unknownSlots: [], sentence: "(rule)", text: request.text }
      : deps.recognizer.recognize(request.text, { area: request.origin.area ?? deps.defaultArea });
    // Clock, timers, broadcast and the refusals name no device: no area or presence to resolve.
    if (recognized && local.handles(recognized.intent)) return localUnderstanding(recognized, request.origin, area);
    if (recognized && isVisionIntent(recognized.intent)) {
      const vision = deps.vision?.();
      // "Is anyone in the attic": where no camera looks, an occupancy sensor of HA's may know.
      if (recognized.intent === "HassVisionPresence" && String(recognized.slots.label) === "person" && recognized.slots.state === undefined && !vision?.covers(recognized.slots, { area })) {
        const sensors = resolveIntent({ ...recognized, intent: "HassGetState", slots: occupancyQuestion(recognized.slots) }, deps.registry, { area });
        if (sensors.kind === "answer") return toUnderstanding(sensors, recognized, deps.eventTopic);
      }
      const response = vision ? vision.answer(recognized.intent, recognized.slots, { area }) : NO_CAMERAS;
      return { kind: "answer", intent: recognized.intent, slots: recognized.slots, response };
    }
    const presence = recognized && presenceQuestion(recognized.intent, recognized.slots);
    if (presence) {
      // HA's occupancy question where no sensor is but a camera looks: the camera answers.
      const vision = deps.vision?.();
      const sensors = vision?.covers(presence, { area }) ? resolveIntent(recognized!, deps.registry, { area }) : undefined;
      if (vision && sensors?.kind === "error" && sensors.reason === "no_targets") {
        return { kind: "answer", intent: "HassVisionPresence", slots: presence, response: vision.answer("HassVisionPresence", presence, { area }) };
      }
    }
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
    const strict = toUnderstanding(resolveIntent(recognized, deps.registry, { area }), recognized, deps.eventTopic);
    // No template matched, or one only with an unknown name that names nothing: the fallback may read more.
    const unresolvedWildcard = recognized !== null && recognized.unknownSlots.length > 0 && strict.kind === "error";
    if (!request.intent && (recognized === null || unresolvedWildcard)) {
      const joined = coordinated(request, area);
      if (joined) return joined;
      const tail = recognized === null ? requestAfterStatement(request.text, area) : undefined;
      if (tail) return understand({ ...request, text: tail });
      const read = await tryFallback(request, area);
      if (read && read.decision !== "refuse") return read;
      // An unknown name of a known kind, which the fallback did not place either: ask about the kind here.
      const guessed = unresolvedWildcard ? kindGuess(recognized!, area) : undefined;
      if (guessed) return guessed;
      // A refused fallback reading keeps the template's own explanation ("I don't know any device called radio").
      if (read && recognized === null) return read;
    }
    return strictDecision(strict, recognized?.confidence ?? 0, request.intent ? "rule" : "template");
  };
  return understand;
}