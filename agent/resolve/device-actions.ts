/**
 * The device intents beyond on/off, as the resolver (resolver.ts) carries
 * them out: which domains each acts on, which mean one device, and the
 * Action for one entity — HassToggle, HassStopMoving, the vacuum, fan speed,
 * lawn mower, humidifier and water heater intents (HA's names and slots),
 * plus what HassTurnOn/Off mean for vacuums, mowers and sirens. (A water
 * heater's temperature is HassClimateSetTemperature, in resolver.ts.)
 */
import type { Action } from "../../devices/commands/action.ts";
import { DEFAULT_WATER_HEATER_MODES } from "../../devices/commands/water-heater.ts";
import type { Entity } from "../../devices/entity.ts";
import type { SlotValue } from "../intent/matcher.ts";

/**
 * The device intents beyond on/off (HA's names and slots), each with the
 * domains it acts on. HassWaterHeaterMode is hearth's own: HA has no intent
 * for a water heater's operation mode.
 */
export const DEVICE_INTENT_DOMAINS: Record<string, string[]> = {
  HassToggle: ["light", "switch", "fan", "cover", "valve", "humidifier", "siren"],
  HassStopMoving: ["cover", "valve"],
  HassVacuumStart: ["vacuum"],
  HassVacuumReturnToBase: ["vacuum"],
  HassFanSetSpeed: ["fan"],
  HassLawnMowerStartMowing: ["lawn_mower"],
  HassLawnMowerDock: ["lawn_mower"],
  HassHumidifierSetpoint: ["humidifier"],
  HassHumidifierMode: ["humidifier"],
  HassWaterHeaterMode: ["water_heater"],
};
export const DEVICE_INTENTS = Object.keys(DEVICE_INTENT_DOMAINS);

/**
 * Intents that mean one device: said without a name or a place ("start the
 * vacuum", "set the humidifier to 45%"), they act on the only such entity,
 * else the one in the microphone's area, else ask which.
 */
export const ONE_DEVICE_INTENTS = new Set([
  "HassVacuumStart", "HassVacuumReturnToBase", "HassLawnMowerStartMowing", "HassLawnMowerDock", "HassFanSetSpeed",
  "HassHumidifierSetpoint", "HassHumidifierMode", "HassWaterHeaterMode", "HassClimateSetTemperature",
]);

/**
 * Domains of appliances people call by their kind ("the humidifier", "the
 * siren", "the boiler"): without a name or place, the ones in the
 * microphone's area are meant when there are any there.
 */
export const APPLIANCE_DOMAINS = new Set(["vacuum", "lawn_mower", "humidifier", "water_heater", "siren", "valve", "fan"]);

/**
 * Domains without on/off of their own in HA that a user still turns on or
 * off by name ("turn on Rover"): start / return to base, start mowing / dock.
 * Never by area or kind: "turn off the living room" leaves the vacuum alone.
 */
export const NAMED_ONLY_ON_OFF = new Map<string, { on: Action; off: Action }>([
  ["vacuum", { on: { type: "start" }, off: { type: "return_to_base" } }],
  ["lawn_mower", { on: { type: "start_mowing" }, off: { type: "dock" } }],
]);

/**
 * The Action of a device intent on one entity — or of HassTurnOn/HassTurnOff
 * on a vacuum or mower called by its name (`named`), or on a siren with its
 * options. `null` when the entity cannot do it; undefined when the intent is
 * none of these (the resolver's actionFor decides).
 */
export function deviceActionFor(intent: string, entity: Entity, slots: Record<string, SlotValue>, named: boolean): Action | null | undefined {
  if (intent === "HassTurnOn" || intent === "HassTurnOff") {
    const byName = named ? NAMED_ONLY_ON_OFF.get(entity.domain) : undefined;
    if (byName) return intent === "HassTurnOn" ? byName.on : byName.off;
    return intent === "HassTurnOn" && entity.domain === "siren" ? (sirenOn(entity, slots) ?? null) : undefined;
  }
  return DEVICE_INTENT_DOMAINS[intent] ? (deviceAction(intent, entity, slots) ?? null) : undefined;
}

/** Actions of the device intents (DEVICE_INTENT_DOMAINS) on one entity; undefined when it cannot. */
function deviceAction(intent: string, entity: Entity, slots: Record<string, SlotValue>): Action | undefined {
  if (!DEVICE_INTENT_DOMAINS[intent]?.includes(entity.domain)) return undefined;
  switch (intent) {
    case "HassToggle":
      // HA's ToggleEntity: off when on, else on; encoders that know their component's toggle (covers) get "toggle".
      if (entity.domain === "siren") return { type: entity.state === "on" ? "turn_off" : "turn_on" };
      return { type: "toggle" };
    case "HassStopMoving":
      return { type: "stop" };
    case "HassVacuumStart":
      return { type: "start" };
    case "HassVacuumReturnToBase":
      return { type: "return_to_base" };
    case "HassLawnMowerStartMowing":
      return { type: "start_mowing" };
    case "HassLawnMowerDock":
      return { type: "dock" };
    case "HassFanSetSpeed":
      return fanSpeedAction(entity, slots);
    case "HassHumidifierSetpoint":
      if (typeof slots.humidity !== "number") return undefined;
      return { type: "set_humidity", humidity: Math.max(0, Math.min(100, Math.round(slots.humidity))), ...(entity.state === "off" ? { turn_on_first: true } : {}) };
    case "HassHumidifierMode": {
      const mode = matchingOption(entity.attributes.available_modes, slots.mode);
      return mode === undefined ? undefined : { type: "set_mode", mode, ...(entity.state === "off" ? { turn_on_first: true } : {}) };
    }
    case "HassWaterHeaterMode": {
      const mode = matchingOption(entity.attributes.operation_list ?? DEFAULT_WATER_HEATER_MODES, slots.mode);
      return mode === undefined ? undefined : { type: "set_operation_mode", operation_mode: mode };
    }
    default:
      return undefined;
  }
}

/**
 * HA's siren.turn_on with the options said: a `tone` of the siren's own
 * `available_tones` (the spoken word, or the one tone that starts with it:
 * "police" → "police_panic"; undefined when the siren has no such tone) and
 * a duration in seconds (`duration`, or `duration_minutes` × 60). The
 * encoder drops what the siren does not support, as HA does.
 */
function sirenOn(entity: Entity, slots: Record<string, SlotValue>): Action | undefined {
  const action: Extract<Action, { type: "turn_on" }> = { type: "turn_on" };
  if (slots.tone !== undefined) {
    const tones = Array.isArray(entity.config?.available_tones) ? entity.config.available_tones.map(String) : [];
    const spoken = String(slots.tone).toLowerCase().replace(/\s+/g, "_");
    const tone = tones.find((t) => t.toLowerCase() === spoken) ?? singleOrUndefined(tones.filter((t) => t.toLowerCase().startsWith(spoken)));
    if (tones.length > 0 && tone === undefined) return undefined;
    if (tone !== undefined) action.tone = tone;
  }
  if (typeof slots.duration === "number") action.duration = Math.round(slots.duration);
  else if (typeof slots.duration_minutes === "number") action.duration = Math.round(slots.duration_minutes * 60);
  return action;
}

const singleOrUndefined = <T>(items: T[]): T | undefined => (items.length === 1 ? items[0] : undefined);

/** The entity's own spelling of a spoken option ("Heat Pump" → "heat_pump"), or undefined when it has no such option. */
function matchingOption(options: unknown, spoken: SlotValue | undefined): string | undefined {
  if (!Array.isArray(options) || spoken === undefined) return undefined;
  const key = (s: string) => s.toLowerCase().replace(/[_\s-]+/g, " ").trim();
  return options.map(String).find((o) => key(o) === key(String(spoken)));
}

/** Speed words: the lowest speed step, the middle one, the top. */
type SpeedWord = "low" | "medium" | "high";

/**
 * HassFanSetSpeed as HA runs it, fan.turn_on with a `percentage` (0 turns the
 * fan off, as fan.set_percentage does); hearth also takes a `preset_mode` of
 * the fan's own and speed words ("low", "medium", "high": a preset of that
 * name when the fan has one, else the first, middle or top speed step of its
 * `speed_range_min`..`speed_range_max`).
 */
function fanSpeedAction(entity: Entity, slots: Record<string, SlotValue>): Action | undefined {
  if (typeof slots.percentage === "number") {
    const pct = Math.max(0, Math.min(100, Math.round(slots.percentage)));
    return pct === 0 ? { type: "turn_off" } : { type: "turn_on", percentage: pct };
  }
  const preset = matchingOption(entity.attributes.preset_modes, slots.preset_mode ?? slots.speed);
  if (preset !== undefined) return { type: "turn_on", preset_mode: preset };
  if (slots.speed === undefined || !["low", "medium", "high"].includes(String(slots.speed))) return undefined;
  const config = entity.config ?? {};
  const low = typeof config.speed_range_min === "number" ? config.speed_range_min : 1;
  const high = typeof config.speed_range_max === "number" ? config.speed_range_max : 100;
  const steps = Math.max(1, high - low + 1);
  // A 100-step fan has no real steps: a third, two thirds, all.
  const stepOf: Record<SpeedWord, number> = steps >= 10 ? { low: steps / 3, medium: (2 * steps) / 3, high: steps } : { low: 1, medium: Math.ceil(steps / 2), high: steps };
  const step = stepOf[String(slots.speed) as SpeedWord];
  return { type: "turn_on", percentage: Math.min(100, Math.floor((step * 100) / steps)) };
}

