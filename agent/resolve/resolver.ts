/**
 * From a recognised intent to what hearth does: the target entities and the
 * Action for each (devices/commands/action.ts), an answer read from the
 * registry's states, a clarifying question, or an error. Follows Home
 * Assistant's intent handlers: targets by name or alias, by area (the
 * microphone's area when the text names none), area + domain, floor, device
 * class; the domain decides what "turn on" means (open a cover, lock a lock,
 * activate a scene, press a button).
 */
import type { Entity } from "../../devices/entity.ts";
import { APPLIANCE_DOMAINS, DEVICE_INTENT_DOMAINS, DEVICE_INTENTS, deviceActionFor, NAMED_ONLY_ON_OFF, ONE_DEVICE_INTENTS } from "./device-actions.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import { isSensitive, type Action } from "../../devices/commands/action.ts";
import type { RecognizedIntent } from "../intent/recognizer.ts";
import type { SlotValue } from "../intent/matcher.ts";
import { colorSetting, DIFFERENT_COLOR, nextPaletteColor } from "./colors.ts";

/** Where the command was heard (the microphone's area) and where cameras see people now. */
export interface ResolveContext {
  area?: string;
  /** Areas with people in them, from the cameras: they decide between same-named entities when the microphone's area does not. */
  occupiedAreas?: string[];
}

export interface Target {
  entity: Entity;
  action: Action;
}

/** How the targets were chosen, for the response ("the kitchen lights", "all the lights", "Bedroom Lamp"). */
export interface TargetScope {
  name?: string;
  area?: string;
  floor?: string;
  domain?: string;
  device_class?: string;
}

/** The question form of HassGetState, read from the text. */
export type StateQuery = "one" | "any" | "all" | "count" | "which";

export type Answer =
  /** "what is the outside temperature", "where is Ada": each entity's state (and unit). */
  | { type: "state"; entities: { entity: Entity; state: string | undefined; unit?: string }[] }
  /** "is the front door locked", "are all doors locked", "are any lights on". */
  | { type: "yes_no"; query: "one" | "any" | "all"; state: string; value: boolean; matching: Entity[]; notMatching: Entity[] }
  /** "how many lights are on". */
  | { type: "count"; state: string; count: number; matching: Entity[] }
  /** "which lights are on". */
  | { type: "which"; state: string; matching: Entity[] }
  /** "what is the temperature in the living room": a thermostat's current temperature, else a temperature sensor's. */
  | { type: "temperature"; area?: string; entity: Entity; value: number; unit?: string };

export type ErrorReason =
  | "not_understood"
  | "no_such_name"
  | "no_such_area"
  | "no_such_floor"
  | "no_targets"
  | "unsupported"
  | "unavailable"
  | "no_value";

export type Resolution =
  /** `confirm` is true when an action is sensitive (unlock, open a garage door): ask before sending. */
  | { kind: "act"; intent: string; targets: Target[]; scope: TargetScope; confirm: boolean; slots: Record<string, SlotValue> }
  | { kind: "answer"; intent: string; answer: Answer; scope: TargetScope }
  | { kind: "clarify"; intent: string; question: string; candidates: Entity[] }
  /** `detail`: the unknown name, area or floor, or the names concerned; `scope`: what was asked for. */
  | { kind: "error"; intent?: string; reason: ErrorReason; detail?: string; scope?: TargetScope }
  /** HassNevermind: stop the conversation. */
  | { kind: "cancel" }
  /** A user-defined intent: run its action (MQTT publish or event) with the slots. */
  | { kind: "custom"; intent: string; slots: Record<string, SlotValue>; action?: RecognizedIntent["action"]; response?: string };

/** Domains that only report (they cannot be turned on or off). */
const READ_ONLY_DOMAINS = new Set(["sensor", "binary_sensor", "event", "image", "text", "device_tracker", "person", "weather"]);

/** What HassTurnOn / HassTurnOff mean for an entity of `domain`; undefined when it cannot. */
export function onOffAction(domain: string, on: boolean): Action | undefined {
  if (READ_ONLY_DOMAINS.has(domain)) return undefined;
  switch (domain) {
    case "cover":
    case "valve":
      return { type: on ? "open" : "close" };
    case "lock":
      return { type: on ? "lock" : "unlock" };
    case "scene":
      return on ? { type: "activate" } : undefined;
    case "button":
      return on ? { type: "press" } : undefined;
    case "number":
    case "select":
    case "alarm_control_panel":
    // A vacuum or mower has its own intents (HassVacuumStart, HassLawnMowerDock); HA's have no turn on/off.
    case "vacuum":
    case "lawn_mower":
      return undefined;
    default:
      return { type: on ? "turn_on" : "turn_off" };
  }
}

/**
 * What "everything" means ("turn everything off", "turn on everything in the
 * kitchen"; hearth's slot `everything`): the everyday devices a person
 * switches in passing. Never locks, alarm panels, covers (a garage door),
 * valves, thermostats, vacuums or mowers, and turning everything on never
 * sounds a siren. Config and diagnostic entities are left out by `select`
 * as for any command without a name, and any action that would need a yes
 * (isSensitive) is dropped rather than asked about.
 */
export const EVERYDAY_DOMAINS: Record<"on" | "off", ReadonlySet<string>> = {
  on: new Set(["light", "switch", "fan"]),
  off: new Set(["light", "switch", "fan", "humidifier", "siren"]),
};

const BUILT_IN = new Set([
  "HassTurnOn", "HassTurnOff", "HassLightSet", "HassSetPosition", "HassClimateSetTemperature", "HassClimateGetTemperature", "HassGetState", "HassNevermind",
  ...DEVICE_INTENTS,
]);

const str = (v: SlotValue | undefined): string | undefined => (v === undefined ? undefined : String(v));
const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Resolve a recognised intent against the registry. `recognized` null means
 * the text was not understood.
 */
export function resolveIntent(recognized: RecognizedIntent | null, registry: EntityRegistry, context: ResolveContext = {}): Resolution {
  if (!recognized) return { kind: "error", reason: "not_understood" };
  const { intent, slots } = recognized;
  if (intent === "HassNevermind") return { kind: "cancel" };
  if (!BUILT_IN.has(intent)) return { kind: "custom", intent, slots, action: recognized.action, response: recognized.response };

  const scope: TargetScope = {
    name: str(slots.name) === "all" ? undefined : str(slots.name),
    area: str(slots.area),
    floor: str(slots.floor),
    domain: str(slots.domain),
    device_class: str(slots.device_class),
  };
  if (scope.area && !registry.findArea(scope.area) && !registry.all().some((e) => same(e.area, scope.area))) {
    return { kind: "error", intent, reason: "no_such_area", detail: scope.area };
  }
  if (scope.floor && !registry.findFloor(scope.floor) && !registry.all().some((e) => same(e.floor, scope.floor))) {
    return { kind: "error", intent, reason: "no_such_floor", detail: scope.floor };
  }

  switch (intent) {
    case "HassClimateGetTemperature":
      return climateTemperature(intent, scope, registry, context);
    case "HassGetState":
      return getState(recognized, scope, registry, context);
    case "HassVacuumStart": {
      // "Vacuum the kitchen" names the room to clean: an MQTT vacuum cannot be sent to a room, so the home's vacuum starts.
      const resolution = act(recognized, scope, registry, context);
      const roomOnly = resolution.kind === "error" && resolution.reason === "no_targets" && !scope.name && (scope.area || scope.floor);
      return roomOnly ? act(recognized, { ...scope, area: undefined, floor: undefined }, registry, context) : resolution;
    }
    default:
      return act(recognized, scope, registry, context);
  }
}

/** The domains an intent can act on, to narrow an ambiguous name or an area. */
function intentDomains(intent: string, domain: string | undefined, named = false): ((e: Entity) => boolean) {
  if (domain) return (e) => e.domain === domain;
  switch (intent) {
    case "HassLightSet":
      return (e) => e.domain === "light";
    case "HassSetPosition":
      return (e) => e.domain === "cover" || e.domain === "valve";
    case "HassClimateSetTemperature":
      // A water heater is set by its name or kind ("the boiler"), never by "set the temperature".
      return (e) => e.domain === "climate" || (named && e.domain === "water_heater");
    case "HassTurnOn":
    case "HassTurnOff":
      return (e) => onOffAction(e.domain, intent === "HassTurnOn") !== undefined || (named && NAMED_ONLY_ON_OFF.has(e.domain));
    default: {
      const domains = DEVICE_INTENT_DOMAINS[intent];
      return domains ? (e) => domains.includes(e.domain) : () => true;
    }
  }
}

type Selection = { entities: Entity[] } | Extract<Resolution, { kind: "clarify" | "error" }>;

/**
 * The entities named by the scope. A name shared by several entities is
 * narrowed by the intent's domains, the named area, the microphone's area,
 * then the areas where people are seen; what remains ambiguous becomes a
 * clarifying question. Without a
 * name, area or floor the scope is the whole home: the recognizer has already
 * put the microphone's area into the slots where the sentence means "here".
 */
function select(intent: string, scope: TargetScope, registry: EntityRegistry, context: ResolveContext, fits: (e: Entity) => boolean): Selection {
  const inArea = (e: Entity, area: string) => same(e.area, area) || (registry.findArea(area)?.aliases ?? []).some((a) => same(e.area, a));
  const inFloor = (e: Entity, floor: string) => same(e.floor, floor) || (e.area !== undefined && same(registry.findArea(e.area)?.floor, floor));
  const byClass = (e: Entity) => (!scope.domain || e.domain === scope.domain) && (!scope.device_class || e.device_class === scope.device_class);
  // Config and diagnostic entities answer to their own name only, as in HA; hidden or disabled ones to nothing.
  let entities = registry.exposed({ byName: scope.name !== undefined }).filter(byClass);
  if (scope.name) {
    const named = entities.filter((e) => same(e.name, scope.name) || e.aliases.some((a) => same(a, scope.name)));
    if (named.length === 0) return { kind: "error", intent, reason: "no_such_name", detail: scope.name };
    let narrowed = named.filter(fits);
    if (narrowed.length === 0) return { kind: "error", intent, reason: "unsupported", detail: scope.name };
    if (scope.area) narrowed = narrowed.filter((e) => inArea(e, scope.area!)).length > 0 ? narrowed.filter((e) => inArea(e, scope.area!)) : narrowed;
    if (scope.floor) narrowed = narrowed.filter((e) => inFloor(e, scope.floor!)).length > 0 ? narrowed.filter((e) => inFloor(e, scope.floor!)) : narrowed;
    if (narrowed.length > 1 && context.area) {
      const here = narrowed.filter((e) => inArea(e, context.area!));
      if (here.length > 0) narrowed = here;
    }
    if (narrowed.length > 1 && context.occupiedAreas?.length) {
      const occupied = narrowed.filter((e) => context.occupiedAreas!.some((a) => inArea(e, a)));
      if (occupied.length > 0) narrowed = occupied;
    }
    if (narrowed.length > 1) {
      return { kind: "clarify", intent, question: whichOne(narrowed), candidates: narrowed };
    }
    return { entities: narrowed };
  }
  if (scope.area) entities = entities.filter((e) => inArea(e, scope.area!));
  if (scope.floor) entities = entities.filter((e) => inFloor(e, scope.floor!));
  entities = entities.filter(fits);
  return { entities };
}

function act(recognized: RecognizedIntent, scope: TargetScope, registry: EntityRegistry, context: ResolveContext): Resolution {
  const { intent, slots } = recognized;
  const everything = slots.everything === true && (intent === "HassTurnOn" || intent === "HassTurnOff") && scope.name === undefined;
  const everyday = EVERYDAY_DOMAINS[intent === "HassTurnOn" ? "on" : "off"];
  const fits = everything ? (e: Entity) => everyday.has(e.domain) : intentDomains(intent, scope.domain, scope.name !== undefined);
  const selection = select(intent, scope, registry, context, fits);
  if (!("entities" in selection)) return selection;
  let entities = selection.entities;
  if (entities.length === 0 && onlyOneElsewhere(recognized, scope)) {
    // "Start the fan" where the microphone's room has none: the home's only fan, if it has exactly one.
    const home = select(intent, { ...scope, area: undefined }, registry, context, fits);
    if ("entities" in home && home.entities.length === 1) entities = home.entities;
  }
  if (entities.length === 0) return { kind: "error", intent, reason: "no_targets", scope: withIntentDomain(intent, scope) };
  // HA's name "all" ("all the sirens", "every fan") is the whole home, never just the microphone's room or one device.
  const placeless = !scope.name && !scope.area && !scope.floor && slots.name !== "all";
  if (placeless && context.area && (ONE_DEVICE_INTENTS.has(intent) || (scope.domain !== undefined && APPLIANCE_DOMAINS.has(scope.domain)))) {
    const here = entities.filter((e) => same(e.area, context.area) || (registry.findArea(context.area!)?.aliases ?? []).some((a) => same(e.area, a)));
    if (here.length > 0) entities = here;
  }
  // One device meant without a place ("start the vacuum", "set the temperature to 21"): the only one, or ask which.
  if (placeless && ONE_DEVICE_INTENTS.has(intent) && entities.length > 1) {
    return { kind: "clarify", intent, question: whichOne(entities), candidates: entities };
  }
  const available = entities.filter((e) => e.available);
  if (available.length === 0) return { kind: "error", intent, reason: "unavailable", detail: entities.map((e) => e.name).join(", ") };
  entities = available;

  const targets: Target[] = [];
  for (const entity of entities) {
    const device = deviceActionFor(intent, entity, slots, scope.name !== undefined);
    const action = device === undefined ? actionFor(intent, entity, slots) : device;
    if (!action || (everything && isSensitive(entity.domain, entity.device_class, action))) continue;
    targets.push({ entity, action });
  }
  if (targets.length === 0) return { kind: "error", intent, reason: "unsupported", detail: entities.map((e) => e.name).join(", ") };
  const confirm = targets.some((t) => isSensitive(t.entity.domain, t.entity.device_class, t.action));
  return { kind: "act", intent, targets, scope: withIntentDomain(intent, scope), confirm, slots };
}

/** Whether the scope is a kind of device in the microphone's area only because the text named no place ("the fan", "the plug"). */
function onlyOneElsewhere(recognized: RecognizedIntent, scope: TargetScope): boolean {
  return scope.name === undefined && scope.floor === undefined && scope.domain !== undefined && (recognized.fromContext ?? []).includes("area");
}

/** The Action of an intent on one entity, or undefined when the entity cannot do it. */
export function actionFor(intent: string, entity: Entity, slots: Record<string, SlotValue>): Action | undefined {
  switch (intent) {
    case "HassTurnOn":
    case "HassTurnOff":
      return onOffAction(entity.domain, intent === "HassTurnOn");
    case "HassLightSet": {
      if (entity.domain !== "light") return undefined;
      const action: Extract<Action, { type: "light_set" }> = { type: "light_set" };
      if (typeof slots.brightness === "number") action.brightness_pct = Math.max(0, Math.min(100, slots.brightness));
      else if (slots.brightness_change === "up" || slots.brightness_change === "down") {
        // "Lower the lights" leaves a light that is off alone: dimming must not switch it on.
        if (slots.brightness_change === "down" && entity.state === "off") return undefined;
        action.brightness_pct = steppedBrightness(entity, slots.brightness_change, stepOf(slots.brightness_step));
      }
      if (slots.color === DIFFERENT_COLOR) {
        action.rgb = nextPaletteColor(entity.attributes.rgb_color);
      } else if (slots.color !== undefined) {
        const color = colorSetting(String(slots.color));
        if (!color) return undefined;
        Object.assign(action, color);
      } else if (slots.color_temp_change === "warmer" || slots.color_temp_change === "cooler") {
        action.color_temp_kelvin = steppedKelvin(entity, slots.color_temp_change, stepOf(slots.color_temp_step));
      }
      return action;
    }
    case "HassSetPosition": {
      if (entity.domain !== "cover" && entity.domain !== "valve") return undefined;
      if (typeof slots.position === "number") return { type: "set_position", position: Math.max(0, Math.min(100, slots.position)) };
      if (slots.position_change !== "up" && slots.position_change !== "down") return undefined;
      const current = numberOf(entity.attributes.current_position) ?? (entity.state === "closed" ? 0 : entity.state === "open" ? 100 : undefined);
      // Without a known position a nudge can only open or close.
      if (current === undefined) return { type: slots.position_change === "up" ? "open" : "close" };
      const step = stepOf(slots.position_step);
      return { type: "set_position", position: Math.max(0, Math.min(100, current + (slots.position_change === "up" ? step : -step))) };
    }
    case "HassClimateSetTemperature": {
      if (entity.domain !== "climate" && entity.domain !== "water_heater") return undefined;
      if (typeof slots.temperature === "number") return { type: "set_temperature", temperature: slots.temperature };
      if (slots.temperature_change !== "up" && slots.temperature_change !== "down") return undefined;
      // A change is from the set-point; a thermostat without one cannot be nudged.
      const target = numberOf(entity.attributes.temperature);
      if (target === undefined) return undefined;
      const step = typeof slots.temperature_step === "number" && slots.temperature_step > 0 ? slots.temperature_step : DEGREE_STEP;
      return { type: "set_temperature", temperature: target + (slots.temperature_change === "up" ? step : -step) };
    }
    default:
      return undefined;
  }
}

/**
 * Default step of a relative change ("dim the lights", "raise the blinds"), in
 * percentage points of brightness or position: a quarter of the range, like
 * the dimmer steps of common smart-home apps (HA's light.turn_on takes any
 * `brightness_step_pct`; hearth sends the absolute result).
 */
export const STEP_PERCENT = 25;
/** Default step of "warmer"/"cooler" for a thermostat, in degrees of its unit. */
export const DEGREE_STEP = 1;
/** HA's default colour temperature range of a light, kelvin, when it reports none. */
const KELVIN_RANGE: [number, number] = [2000, 6535];

function stepOf(value: SlotValue | undefined): number {
  return typeof value === "number" && value > 0 ? value : STEP_PERCENT;
}

/**
 * The brightness a relative change leads to, percent 1..100: from the light's
 * brightness (0..255) when it is on (full when on without one), else from 0.
 * Dimming never turns a light off.
 */
export function steppedBrightness(entity: Entity, direction: "up" | "down", step: number): number {
  const raw = numberOf(entity.attributes.brightness);
  const current = entity.state === "off" ? 0 : raw !== undefined ? Math.round((raw / 255) * 100) : entity.state === "on" ? 100 : 0;
  return Math.max(1, Math.min(100, current + (direction === "up" ? step : -step)));
}

/** The colour temperature a "warmer"/"cooler" change leads to, kelvin: `step` percent of the light's range from its current one (the middle when unknown). */
export function steppedKelvin(entity: Entity, direction: "warmer" | "cooler", step: number): number {
  const min = numberOf(entity.attributes.min_color_temp_kelvin) ?? KELVIN_RANGE[0];
  const max = numberOf(entity.attributes.max_color_temp_kelvin) ?? KELVIN_RANGE[1];
  const current = numberOf(entity.attributes.color_temp_kelvin) ?? Math.round((min + max) / 2);
  const delta = ((max - min) * step) / 100;
  return Math.round(Math.max(min, Math.min(max, current + (direction === "warmer" ? -delta : delta))));
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function climateTemperature(intent: string, scope: TargetScope, registry: EntityRegistry, context: ResolveContext): Resolution {
  const area = scope.area ?? (scope.floor || scope.name ? undefined : context.area);
  const withArea: TargetScope = { ...scope, area };
  const reading = (e: Entity) => (e.domain === "climate" ? numberOf(e.attributes.current_temperature) : numberOf(e.state));
  const thermostats = select(intent, { ...withArea, domain: "climate" }, registry, context, () => true);
  if (!("entities" in thermostats)) return thermostats;
  let candidates = thermostats.entities.filter((e) => reading(e) !== undefined);
  if (candidates.length === 0) {
    const sensors = select(intent, { ...withArea, domain: "sensor", device_class: "temperature" }, registry, context, () => true);
    if (!("entities" in sensors)) return sensors;
    candidates = sensors.entities.filter((e) => reading(e) !== undefined);
  }
  if (candidates.length === 0) return { kind: "error", intent, reason: "no_value", detail: area ?? scope.floor ?? "the home" };
  if (candidates.length > 1 && !area && !scope.floor) return { kind: "clarify", intent, question: whichOne(candidates), candidates };
  const entity = candidates[0]!;
  const unit = entity.attributes.temperature_unit ?? entity.attributes.unit_of_measurement;
  return {
    kind: "answer",
    intent,
    scope: withArea,
    answer: { type: "temperature", area: area ?? entity.area, entity, value: reading(entity)!, unit: typeof unit === "string" ? unit : undefined },
  };
}

/** The question form, from the first words of the text ("are all ...", "how many ...", "which ..."). */
export function stateQuery(text: string): StateQuery {
  const t = text.toLowerCase().replace(/[^a-z' ]/g, " ").replace(/\s+/g, " ").trim();
  if (/^(how many)\b/.test(t)) return "count";
  if (/^(which|who)\b/.test(t)) return "which";
  if (/^(are|is) (all|every)\b/.test(t)) return "all";
  if (/^((are|is) (there )?any|any|do i have any|tell me if there (are|is) any|is (there )?any|is anyone|is anybody)\b/.test(t)) return "any";
  return "one";
}

function getState(recognized: RecognizedIntent, scope: TargetScope, registry: EntityRegistry, context: ResolveContext): Resolution {
  const { intent, slots } = recognized;
  const state = str(slots.state);
  const selection = select(intent, scope, registry, context, () => true);
  if (!("entities" in selection)) return selection;
  const entities = selection.entities;
  if (entities.length === 0) return { kind: "error", intent, reason: "no_targets", scope };
  if (state === undefined) {
    const answer: Answer = {
      type: "state",
      entities: entities.map((entity) => {
        const unit = entity.attributes.unit_of_measurement;
        return { entity, state: entity.state, unit: typeof unit === "string" ? unit : undefined };
      }),
    };
    return { kind: "answer", intent, scope, answer };
  }
  const matching = entities.filter((e) => same(e.state, state));
  const notMatching = entities.filter((e) => !same(e.state, state));
  const query = scope.name ? "one" : stateQuery(recognized.text);
  let answer: Answer;
  if (query === "count") answer = { type: "count", state, count: matching.length, matching };
  else if (query === "which") answer = { type: "which", state, matching };
  else if (query === "all") answer = { type: "yes_no", query, state, value: notMatching.length === 0, matching, notMatching };
  else if (query === "one") answer = { type: "yes_no", query, state, value: matching.length > 0 && notMatching.length === 0, matching, notMatching };
  else answer = { type: "yes_no", query: "any", state, value: matching.length > 0, matching, notMatching };
  return { kind: "answer", intent, scope, answer };
}

/** "Which one: Lamp in Bedroom or Lamp in Office?" — candidates told apart by area, else by kind. */
export function whichOne(candidates: Entity[]): string {
  return `Which one: ${joinWords(entityLabels(candidates), "or")}?`;
}

/** Names to read out, told apart by area (else by kind) where several entities share one. */
export function entityLabels(entities: Entity[]): string[] {
  return entities.map((e) => {
    const twins = entities.filter((o) => o.name === e.name);
    if (twins.length === 1) return e.name;
    if (e.area && twins.filter((o) => o.area === e.area).length === 1) return `${e.name} in ${e.area}`;
    return `${e.name} (${(e.device_class ?? e.domain).replace(/_/g, " ")})`;
  });
}

/** "a, b or c". */
export function joinWords(words: string[], last: "and" | "or"): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} ${last} ${words[words.length - 1]}`;
}

/** The scope with the domain its intent implies (HassLightSet acts on lights), for responses. */
function withIntentDomain(intent: string, scope: TargetScope): TargetScope {
  if (scope.domain) return scope;
  const implied: Record<string, string> = {
    HassLightSet: "light", HassClimateSetTemperature: "climate", HassSetPosition: "cover", HassVacuumStart: "vacuum", HassVacuumReturnToBase: "vacuum",
    HassFanSetSpeed: "fan", HassLawnMowerStartMowing: "lawn_mower", HassLawnMowerDock: "lawn_mower", HassHumidifierSetpoint: "humidifier",
    HassHumidifierMode: "humidifier", HassWaterHeaterMode: "water_heater",
  };
  return implied[intent] ? { ...scope, domain: implied[intent] } : scope;
}
