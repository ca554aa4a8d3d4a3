/**
 * The English sentence hearth speaks for every resolution (agent/resolve/
 * resolver.ts): what it did ("Turned off the kitchen lights"), the answer to
 * a question ("The living room is 21.5 °C"), a clarifying question ("Which
 * one: ...?"), a confirmation request for sensitive actions ("Are you sure you
 * want to unlock Front Door?") or why it cannot ("Sorry, I didn't understand").
 * Custom intents speak their own `response` template (HA's Jinja over
 * `slots` and `intent`, in hearth's sandboxed interpreter with its render
 * budget, devices/template.ts: an intents file cannot run code or stall the agent).
 */
import { compileTemplate, type CompiledTemplate } from "../../devices/template.ts";
import { logger } from "../log.ts";
import type { Entity } from "../../devices/entity.ts";
import type { Action } from "../../devices/commands/action.ts";
import { DIFFERENT_COLOR } from "../resolve/colors.ts";
import { entityLabels, joinWords, type Answer, type Resolution, type TargetScope } from "../resolve/resolver.ts";

const log = logger("intent/responses");

/** Compiled response templates by source (a handful per intents file). */
const compiled = new Map<string, CompiledTemplate>();

/** A custom intent's response, or "Done" (with a warning naming the intent) when its template cannot be rendered. */
function customResponse(intent: string, source: string, slots: Record<string, unknown>): string {
  try {
    let template = compiled.get(source);
    if (!template) compiled.set(source, (template = compileTemplate(source)));
    return template({ slots, intent });
  } catch (err) {
    log.warn({ intent, err: (err as Error).message }, `response template of ${intent} not rendered; answering "Done"`);
    return "Done";
  }
}

/** At most this many names are read out in one answer. */
const MAX_NAMES = 3;

const PAST: Record<Action["type"], string> = {
  turn_on: "Turned on", turn_off: "Turned off", toggle: "Toggled", light_set: "Set", open: "Opened", close: "Closed", stop: "Stopped",
  set_position: "Set", lock: "Locked", unlock: "Unlocked", set_temperature: "Set", set_hvac_mode: "Set", set_percentage: "Set",
  set_preset_mode: "Set", press: "Pressed", activate: "Activated", set_value: "Set", select_option: "Set", alarm_arm: "Armed", alarm_disarm: "Disarmed",
  start: "Started", return_to_base: "Sent back to base", pause: "Paused", start_mowing: "Started mowing with", dock: "Docked", set_humidity: "Set",
  set_mode: "Set", set_operation_mode: "Set",
};

const VERB: Record<Action["type"], string> = {
  turn_on: "turn on", turn_off: "turn off", toggle: "toggle", light_set: "change", open: "open", close: "close", stop: "stop",
  set_position: "move", lock: "lock", unlock: "unlock", set_temperature: "change the temperature of", set_hvac_mode: "change", set_percentage: "change",
  set_preset_mode: "change", press: "press", activate: "activate", set_value: "change", select_option: "change", alarm_arm: "arm", alarm_disarm: "disarm",
  start: "start", return_to_base: "send back to base", pause: "pause", start_mowing: "start mowing with", dock: "dock", set_humidity: "change the humidity of",
  set_mode: "change the mode of", set_operation_mode: "change the mode of",
};

const PLURAL_CLASS: Record<string, string> = {
  curtain: "curtains", blind: "blinds", shade: "shades", shutter: "shutters", awning: "awnings", window: "windows", garage: "garage doors", gate: "gates", door: "doors",
};
const PLURAL_DOMAIN: Record<string, string> = {
  light: "lights", switch: "switches", fan: "fans", cover: "covers", lock: "locks", valve: "valves", climate: "thermostats", media_player: "media players", scene: "scenes",
  vacuum: "vacuums", lawn_mower: "lawn mowers", humidifier: "humidifiers", water_heater: "water heaters", siren: "sirens",
};

/** "lights", "garage doors", "devices". */
function kindWords(scope: TargetScope, entities: Entity[] = []): string {
  const domains = new Set(entities.map((e) => e.domain));
  const domain = scope.domain ?? (domains.size === 1 ? [...domains][0] : undefined);
  return (scope.device_class && PLURAL_CLASS[scope.device_class]) || (domain && PLURAL_DOMAIN[domain]) || (scope.device_class ? `${scope.device_class.replace(/_/g, " ")} devices` : "devices");
}

/** "Bedroom Lamp", "the kitchen lights", "the first floor curtains", "all the lights". */
function targetPhrase(scope: TargetScope, entities: Entity[]): string {
  if (entities.length === 1) return entities[0]!.name;
  const where = scope.area ?? scope.floor;
  return where ? `the ${where.toLowerCase()} ${kindWords(scope, entities)}` : `all the ${kindWords(scope, entities)}`;
}

function names(entities: Entity[]): string {
  const shown = entityLabels(entities).sort((a, b) => a.localeCompare(b)).slice(0, MAX_NAMES);
  if (entities.length > MAX_NAMES) shown.push(`${entities.length - MAX_NAMES} more`);
  return joinWords(shown, "and");
}

function actPhrase(resolution: Extract<Resolution, { kind: "act" }>): string {
  const { targets, scope, slots } = resolution;
  const action = targets[0]!.action;
  const target = targetPhrase(scope, targets.map((t) => t.entity));
  switch (action.type) {
    case "light_set": {
      // "A different colour" and relative changes say what was chosen, not the slot.
      const color = slots.color === DIFFERENT_COLOR ? "a different colour" : slots.color;
      if (color !== undefined && slots.brightness !== undefined) return `Set ${target} to ${color} at ${slots.brightness}%`;
      if (color !== undefined) return `Set ${target} to ${color}`;
      if (action.brightness_pct === undefined && action.color_temp_kelvin !== undefined) return `Set ${target} to ${action.color_temp_kelvin} kelvin`;
      return `Set ${target} brightness to ${action.brightness_pct}%`;
    }
    case "set_position":
      return `Set ${target} position to ${action.position}%`;
    case "set_temperature":
      return `Set ${target} temperature to ${action.temperature} degrees`;
    case "turn_on":
      if (action.percentage !== undefined) return `Set ${target} speed to ${action.percentage}%`;
      if (action.preset_mode !== undefined) return `Set ${target} to ${action.preset_mode.replace(/_/g, " ")}`;
      return `Turned on ${target}${action.tone ? ` with the ${action.tone.replace(/_/g, " ")} tone` : ""}${action.duration ? ` for ${action.duration} seconds` : ""}`;
    case "return_to_base":
      return `Sent ${target} back to ${targets.length > 1 ? "their bases" : "its base"}`;
    case "dock":
      return `Sent ${target} back to ${targets.length > 1 ? "their docks" : "its dock"}`;
    case "set_humidity":
      return action.turn_on_first ? `Turned on ${target} and set its humidity to ${action.humidity}%` : `Set ${target} humidity to ${action.humidity}%`;
    case "set_mode":
      return action.turn_on_first ? `Turned on ${target} in ${action.mode.replace(/_/g, " ")} mode` : `Set ${target} to ${action.mode.replace(/_/g, " ")} mode`;
    case "set_operation_mode":
      return `Set ${target} to ${action.operation_mode.replace(/_/g, " ")} mode`;
    default:
      return `${PAST[action.type]} ${target}`;
  }
}

/**
 * What an action would do, as an imperative to ask about ("turn off Bedroom
 * Light", "set the kitchen lights to red"): the fallback's yes/no question.
 */
export function proposalFor(resolution: Resolution): string {
  if (resolution.kind === "custom") return `run ${resolution.intent}`;
  if (resolution.kind !== "act") return "do that";
  const done = actPhrase(resolution);
  const action = resolution.targets[0]!.action;
  if (action.type === "light_set" || action.type === "set_position" || action.type === "set_temperature") return done.replace(/^Set /, "set ");
  return `${VERB[action.type]} ${targetPhrase(resolution.scope, resolution.targets.map((t) => t.entity))}`;
}

function stateWords(entity: Entity, state: string | undefined, unit?: string): string {
  if (state === undefined || state === "unknown" || state === "unavailable") return "unknown";
  // Fixtures may hold HA domains hearth does not command (person).
  if ((entity.domain as string) === "person") return state === "home" ? "at home" : state === "not_home" ? "away" : `at ${state}`;
  if (typeof entity.attributes.state_text === "string" && (state === "on" || state === "off")) return entity.attributes.state_text;
  return unit ? `${state} ${unit}` : state.replace(/_/g, " ");
}

function answerPhrase(answer: Answer): string {
  switch (answer.type) {
    case "state":
      return answer.entities.map((e) => `${e.entity.name} is ${stateWords(e.entity, e.state, e.unit)}`).join(", ");
    case "temperature": {
      const value = `${answer.value} ${answer.unit ?? (answer.value === 1 ? "degree" : "degrees")}`;
      return answer.area ? `The ${answer.area.toLowerCase()} is ${value}` : `${answer.entity.name} is ${value}`;
    }
    case "count":
      return String(answer.count);
    case "which":
      return answer.matching.length ? names(answer.matching) : "None";
    case "yes_no": {
      const state = answer.state.replace(/_/g, " ");
      if (answer.query === "any") return answer.value ? `Yes, ${names(answer.matching)}` : "No";
      if (answer.value) return "Yes";
      const not = answer.notMatching;
      if (answer.query === "one" && not.length === 1) return `No, ${not[0]!.name} is ${stateWords(not[0]!, not[0]!.state)}`;
      return `No, ${names(not)} ${not.length === 1 ? "is" : "are"} not ${state}`;
    }
  }
}

type ErrorResolution = Extract<Resolution, { kind: "error" }>;

/** "lights in the kitchen", "garage doors". */
function scopeWords(scope: TargetScope | undefined): string {
  if (!scope) return "such devices";
  if (scope.name) return scope.name;
  const where = scope.area ?? scope.floor;
  return where ? `${kindWords(scope)} in the ${where.toLowerCase()}` : kindWords(scope);
}

const ERRORS: Record<ErrorResolution["reason"], (detail: string, error: ErrorResolution) => string> = {
  not_understood: () => "Sorry, I didn't understand that",
  no_such_name: (d) => `Sorry, I don't know any device called ${d}`,
  no_such_area: (d) => `Sorry, I don't know an area called ${d}`,
  no_such_floor: (d) => `Sorry, I don't know a floor called ${d}`,
  no_targets: (_d, e) => `Sorry, I found no ${scopeWords(e.scope)}`,
  unsupported: (d) => `Sorry, ${d} can't do that`,
  unavailable: (d) => `Sorry, ${d} is not available right now`,
  no_value: (d) => `Sorry, I have no temperature for ${d}`,
};

/**
 * The sentence to speak for a resolution. For an `act` that needs a
 * confirmation (`confirm`), the question to ask before acting; pass
 * `confirmed: true` for the sentence after the user said yes.
 */
export function responseFor(resolution: Resolution, options: { confirmed?: boolean } = {}): string {
  switch (resolution.kind) {
    case "act": {
      if (resolution.confirm && !options.confirmed) {
        const action = resolution.targets[0]!.action;
        return `Are you sure you want to ${VERB[action.type]} ${targetPhrase(resolution.scope, resolution.targets.map((t) => t.entity))}?`;
      }
      return actPhrase(resolution);
    }
    case "answer":
      return answerPhrase(resolution.answer);
    case "clarify":
      return resolution.question;
    case "error":
      return ERRORS[resolution.reason](resolution.detail ?? "that", resolution);
    case "cancel":
      return "";
    case "custom":
      return resolution.response ? customResponse(resolution.intent, resolution.response, resolution.slots) : "Done";
  }
}

/**
 * One sentence for several responses of a coordinated command
 * (coordination.ts): the words they all start with are said once ("Turned
 * off the kitchen lights and the bedroom lights") when `shared` (the
 * responses of one intent), else each is said whole ("Turned off Fan and
 * turned on Lamp"). A question mark at the end of any
 * keeps the whole a question.
 */
export function joinResponses(responses: string[], shared = true): string {
  if (responses.length <= 1) return responses[0] ?? "";
  const question = responses.some((r) => r.trimEnd().endsWith("?"));
  const words = responses.map((r) => r.trim().replace(/[.?!]+$/, "").split(/\s+/));
  const shortest = Math.min(...words.map((w) => w.length));
  let common = 0;
  while (shared && common < shortest - 1 && words.every((w) => w[common] === words[0]![common])) common++;
  const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);
  const rests = words.map((w, i) => (i === 0 || common > 0 ? w.slice(common).join(" ") : lowerFirst(w.join(" "))));
  const head = common > 0 ? words[0]!.slice(0, common).join(" ") + " " : "";
  return head + joinWords(common > 0 ? rests : [words[0]!.join(" "), ...rests.slice(1)], "and") + (question ? "?" : "");
}
