/**
 * State tracking: for each discovered component, which topics carry its state
 * and how a message on them becomes Home Assistant state and attributes
 * (the message handlers of HA's MQTT platforms, reduced to what hearth reads):
 * lights on/off + brightness 0..255 + colour (default, JSON and template
 * schemas), switches, fans (percentage, preset), covers and valves
 * (open/closed/opening/closing + position 0..100), climate (HVAC mode,
 * target and current temperature), locks, numbers, selects, texts, sensors,
 * binary sensors, events, alarm panels, sirens, vacuums, lawn mowers,
 * humidifiers, water heaters, and `json_attributes_topic`.
 */
import { tryParseJson } from "../safe-json.ts";
import { renderValueTemplate, type CompiledTemplate } from "../template.ts";
import type { SupportedComponent } from "./message.ts";

/** What one message changes. */
export interface StateUpdate {
  state?: string;
  attributes?: Record<string, unknown>;
}

/** One state topic of one entity and how to read it. */
export interface StateBinding {
  topic: string;
  /** The config key of the topic (`state_topic`, `brightness_state_topic`, ...), for logs. */
  key: string;
  read(payload: string, current: { state?: string; attributes: Record<string, unknown> }): StateUpdate | undefined;
}

type Config = Record<string, unknown>;
type Templates = ReadonlyMap<string, CompiledTemplate>;

const str = (config: Config, key: string, fallback: string): string => (typeof config[key] === "string" ? (config[key] as string) : fallback);
const num = (config: Config, key: string, fallback: number): number => (typeof config[key] === "number" ? (config[key] as number) : fallback);

/**
 * Attributes an MQTT attributes payload may not set: HA's MQTT_ATTRIBUTES_BLOCKED,
 * and the attributes the state topics own (a Zigbee2MQTT device payload carries
 * `brightness` on its own 0..254 scale, which must not replace the scaled one).
 */
const BLOCKED_ATTRIBUTES = new Set([
  "assumed_state", "available", "device_class", "entity_id", "entity_picture", "friendly_name", "icon",
  "supported_features", "unit_of_measurement", "state", "attribution", "restored", "context_recent_time",
  "brightness", "color_temp_kelvin", "rgb_color", "hs_color", "xy_color", "color_mode", "effect", "current_position",
  "current_tilt_position", "temperature", "target_temp_low", "target_temp_high", "current_temperature", "hvac_action",
  "percentage", "preset_mode", "fan_mode", "swing_mode", "oscillating", "direction", "event_type",
]);

/**
 * HA renders templates in Python, where a JSON `true` prints as `True`, and
 * hearth's engine does the same; configs written for `true` (or a payload
 * without a template) still match. Compare payloads case-insensitively for those two words.
 */
function samePayload(value: string, expected: string): boolean {
  if (value === expected) return true;
  const v = value.toLowerCase();
  return (v === "true" || v === "false") && v === expected.toLowerCase();
}

function toNumber(value: string): number | undefined {
  if (value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Scale `value` in [low, high] to a percentage 0..100 (rounded). */
function toPercent(value: number, low: number, high: number): number {
  if (high === low) return 0;
  return Math.max(0, Math.min(100, Math.round(((value - low) * 100) / (high - low))));
}

/** HA's ranged_value_to_percentage (util/percentage.py): speed step in [low, high] → percentage. */
function rangedValueToPercentage(low: number, high: number, value: number): number {
  const offset = low - 1;
  const states = high - low + 1;
  return Math.floor(((value - offset) * 100) / states);
}

const mireds = (m: number) => Math.round(1_000_000 / m);

class Builder {
  readonly bindings: StateBinding[] = [];
  /**
   * @param fallbackTemplateKey a template used for every `*_value_template` the
   * config lacks: HA's default-schema light applies `value_template` that way,
   * and Tasmota's discovery relies on it (`val_tpl` for state and brightness).
   */
  constructor(private readonly config: Config, private readonly templates: Templates, private readonly fallbackTemplateKey?: string) {}

  /** The value after `templateKey` (when the config has a compiled one). */
  value(templateKey: string | undefined, payload: string): string {
    const template = templateKey ? (this.templates.get(templateKey) ?? (this.fallbackTemplateKey ? this.templates.get(this.fallbackTemplateKey) : undefined)) : undefined;
    return template ? renderValueTemplate(template, payload) : payload;
  }

  on(topicKey: string, read: StateBinding["read"]): void {
    const topic = this.config[topicKey];
    if (typeof topic === "string" && topic !== "") this.bindings.push({ topic, key: topicKey, read });
  }

  /** A topic whose (templated) value feeds `apply`; empty values are ignored. */
  valueOn(topicKey: string, templateKey: string, apply: (value: string, current: Parameters<StateBinding["read"]>[1]) => StateUpdate | undefined): void {
    this.on(topicKey, (payload, current) => {
      const value = this.value(templateKey, payload);
      return value === "" ? undefined : apply(value, current);
    });
  }

  /** A numeric attribute; `None`/non-numbers clear nothing and are ignored. */
  numberAttribute(topicKey: string, templateKey: string, attribute: string, transform: (n: number) => unknown = (n) => n): void {
    this.valueOn(topicKey, templateKey, (value) => {
      const n = toNumber(value);
      return n === undefined ? undefined : { attributes: { [attribute]: transform(n) } };
    });
  }

  stringAttribute(topicKey: string, templateKey: string, attribute: string, allowed?: unknown): void {
    this.valueOn(topicKey, templateKey, (value) => {
      if (value === "None") return { attributes: { [attribute]: null } };
      if (Array.isArray(allowed) && !allowed.includes(value)) return undefined;
      return { attributes: { [attribute]: value } };
    });
  }
}

function onOff(config: Config, value: string, onKey: string, offKey: string, onDefault: string, offDefault: string): StateUpdate | undefined {
  if (samePayload(value, str(config, onKey, onDefault))) return { state: "on" };
  if (samePayload(value, str(config, offKey, offDefault))) return { state: "off" };
  return undefined;
}

function lightDefault(b: Builder, c: Config): void {
  const scale = num(c, "brightness_scale", 255);
  b.valueOn("state_topic", "state_value_template", (v) => onOff(c, v, "payload_on", "payload_off", "ON", "OFF"));
  b.numberAttribute("brightness_state_topic", "brightness_value_template", "brightness", (n) => Math.round((n * 255) / scale));
  b.numberAttribute("color_temp_state_topic", "color_temp_value_template", "color_temp_kelvin", (n) => (c.color_temp_kelvin === true ? n : mireds(n)));
  b.valueOn("rgb_state_topic", "rgb_value_template", (v) => {
    const rgb = v.split(",").map(Number);
    return rgb.length === 3 && rgb.every(Number.isFinite) ? { attributes: { rgb_color: rgb } } : undefined;
  });
  b.valueOn("hs_state_topic", "hs_value_template", (v) => {
    const hs = v.split(",").map(Number);
    return hs.length === 2 && hs.every(Number.isFinite) ? { attributes: { hs_color: hs } } : undefined;
  });
  b.valueOn("xy_state_topic", "xy_value_template", (v) => {
    const xy = v.split(",").map(Number);
    return xy.length === 2 && xy.every(Number.isFinite) ? { attributes: { xy_color: xy } } : undefined;
  });
  b.stringAttribute("effect_state_topic", "effect_value_template", "effect");
  b.stringAttribute("color_mode_state_topic", "color_mode_value_template", "color_mode");
}

function lightJson(b: Builder, c: Config): void {
  const scale = num(c, "brightness_scale", 255);
  b.on("state_topic", (payload) => {
    const doc = tryParseJson(payload);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
    const d = doc as Record<string, unknown>;
    const update: StateUpdate = { attributes: {} };
    if (d.state === "ON") update.state = "on";
    else if (d.state === "OFF") update.state = "off";
    const attributes = update.attributes!;
    if (typeof d.brightness === "number") attributes.brightness = Math.round((d.brightness * 255) / scale);
    if (typeof d.color_temp === "number" && d.color_temp > 0) attributes.color_temp_kelvin = c.color_temp_kelvin === true ? d.color_temp : mireds(d.color_temp);
    if (typeof d.color_mode === "string") attributes.color_mode = d.color_mode;
    if (typeof d.effect === "string") attributes.effect = d.effect;
    const color = d.color as Record<string, unknown> | undefined;
    if (color && typeof color === "object") {
      if ([color.r, color.g, color.b].every((x) => typeof x === "number")) attributes.rgb_color = [color.r, color.g, color.b];
      if ([color.x, color.y].every((x) => typeof x === "number")) attributes.xy_color = [color.x, color.y];
      if ([color.h, color.s].every((x) => typeof x === "number")) attributes.hs_color = [color.h, color.s];
    }
    return update;
  });
}

function lightTemplate(b: Builder, c: Config): void {
  b.on("state_topic", (payload) => {
    const update: StateUpdate = { attributes: {} };
    const state = b.value("state_template", payload);
    if (state === "on" || state === "off") update.state = state;
    const brightness = toNumber(b.value("brightness_template", payload));
    if (c.brightness_template !== undefined && brightness !== undefined) update.attributes!.brightness = Math.round(brightness);
    const colorTemp = toNumber(b.value("color_temp_template", payload));
    if (c.color_temp_template !== undefined && colorTemp !== undefined && colorTemp > 0) update.attributes!.color_temp_kelvin = mireds(colorTemp);
    if (c.red_template !== undefined && c.green_template !== undefined && c.blue_template !== undefined) {
      const rgb = ["red_template", "green_template", "blue_template"].map((k) => toNumber(b.value(k, payload)));
      if (rgb.every((x) => x !== undefined)) update.attributes!.rgb_color = rgb;
    }
    if (c.effect_template !== undefined) {
      const effect = b.value("effect_template", payload);
      if (effect !== "") update.attributes!.effect = effect;
    }
    return update;
  });
}

function cover(b: Builder, c: Config, valve: boolean): void {
  const closed = num(c, "position_closed", 0);
  const open = num(c, "position_open", 100);
  const byPosition = (position: number): StateUpdate => ({ state: position <= 0 ? "closed" : "open", attributes: { current_position: position } });
  const states: [string, string][] = [
    [str(c, "state_open", valve ? "open" : "open"), "open"],
    [str(c, "state_opening", "opening"), "opening"],
    [str(c, "state_closed", "closed"), "closed"],
    [str(c, "state_closing", "closing"), "closing"],
  ];
  b.valueOn("state_topic", "value_template", (value, current) => {
    if (valve && c.reports_position === true) {
      const n = toNumber(value);
      if (n !== undefined) return byPosition(toPercent(n, closed, open));
    }
    for (const [payload, state] of states) if (value === payload) return { state };
    if (value === str(c, "state_stopped", "stopped")) {
      const position = current.attributes.current_position;
      if (typeof position === "number") return { state: position <= 0 ? "closed" : "open" };
      if (current.state === "opening") return { state: "open" };
      if (current.state === "closing") return { state: "closed" };
    }
    return undefined;
  });
  if (valve) return;
  b.valueOn("position_topic", "position_template", (value) => {
    const n = toNumber(value);
    if (n === undefined) return undefined;
    const update = byPosition(toPercent(n, closed, open));
    // With a state topic the state comes from there; the position only sets the attribute.
    return typeof c.state_topic === "string" ? { attributes: update.attributes } : update;
  });
  b.numberAttribute("tilt_status_topic", "tilt_status_template", "current_tilt_position", (n) => toPercent(n, num(c, "tilt_min", 0), num(c, "tilt_max", 100)));
}

const DEFAULT_HVAC_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"];

function climate(b: Builder, c: Config): void {
  const modes = Array.isArray(c.modes) ? c.modes : DEFAULT_HVAC_MODES;
  b.valueOn("mode_state_topic", "mode_state_template", (v) => (modes.includes(v) ? { state: v } : undefined));
  b.numberAttribute("temperature_state_topic", "temperature_state_template", "temperature");
  b.numberAttribute("temperature_low_state_topic", "temperature_low_state_template", "target_temp_low");
  b.numberAttribute("temperature_high_state_topic", "temperature_high_state_template", "target_temp_high");
  b.numberAttribute("current_temperature_topic", "current_temperature_template", "current_temperature");
  b.numberAttribute("current_humidity_topic", "current_humidity_template", "current_humidity");
  b.numberAttribute("target_humidity_state_topic", "target_humidity_state_template", "humidity");
  b.stringAttribute("action_topic", "action_template", "hvac_action");
  b.stringAttribute("preset_mode_state_topic", "preset_mode_value_template", "preset_mode", c.preset_modes);
  b.stringAttribute("fan_mode_state_topic", "fan_mode_state_template", "fan_mode", c.fan_modes);
  b.stringAttribute("swing_mode_state_topic", "swing_mode_state_template", "swing_mode", c.swing_modes);
}

function fan(b: Builder, c: Config): void {
  const low = num(c, "speed_range_min", 1);
  const high = num(c, "speed_range_max", 100);
  b.valueOn("state_topic", "state_value_template", (v) => onOff(c, v, "payload_on", "payload_off", "ON", "OFF"));
  b.valueOn("percentage_state_topic", "percentage_value_template", (v) => {
    if (v === str(c, "payload_reset_percentage", "None")) return { attributes: { percentage: null } };
    const n = toNumber(v);
    if (n === undefined) return undefined;
    return { attributes: { percentage: n === 0 ? 0 : rangedValueToPercentage(low, high, n) } };
  });
  b.valueOn("preset_mode_state_topic", "preset_mode_value_template", (v) => {
    if (v === str(c, "payload_reset_preset_mode", "None")) return { attributes: { preset_mode: null } };
    return Array.isArray(c.preset_modes) && c.preset_modes.includes(v) ? { attributes: { preset_mode: v } } : undefined;
  });
  b.valueOn("oscillation_state_topic", "oscillation_value_template", (v) => {
    if (v === str(c, "payload_oscillation_on", "oscillate_on")) return { attributes: { oscillating: true } };
    if (v === str(c, "payload_oscillation_off", "oscillate_off")) return { attributes: { oscillating: false } };
    return undefined;
  });
  b.stringAttribute("direction_state_topic", "direction_value_template", "direction");
}

function lock(b: Builder, c: Config): void {
  const states: [string, string, string][] = [
    ["state_locked", "LOCKED", "locked"], ["state_unlocked", "UNLOCKED", "unlocked"], ["state_locking", "LOCKING", "locking"],
    ["state_unlocking", "UNLOCKING", "unlocking"], ["state_jammed", "MOTOR_JAMMED", "jammed"], ["state_open", "OPEN", "open"],
    ["state_opening", "OPENING", "opening"],
  ];
  b.valueOn("state_topic", "value_template", (v) => {
    for (const [key, fallback, state] of states) if (v === str(c, key, fallback)) return { state };
    return undefined;
  });
}

/**
 * HA's siren state: the payload (after `state_value_template`) equal to
 * `state_on`/`state_off` (default the on/off payloads), else a JSON object
 * whose `state` does so and whose `tone`, `duration`, `volume_level` become
 * attributes.
 */
function siren(b: Builder, config: Config): void {
  const on = str(config, "state_on", str(config, "payload_on", "ON"));
  const off = str(config, "state_off", str(config, "payload_off", "OFF"));
  const stateOf = (v: unknown) => (v === on ? "on" : v === off ? "off" : undefined);
  b.valueOn("state_topic", "state_value_template", (v) => {
    const direct = stateOf(v);
    if (direct) return { state: direct };
    const doc = tryParseJson(v);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
    const { state, ...rest } = doc as Record<string, unknown>;
    const attributes: Record<string, unknown> = {};
    for (const key of ["tone", "duration", "volume_level"]) if (key in rest) attributes[key] = rest[key];
    return { state: stateOf(state), attributes };
  });
}

const VACUUM_STATES = new Set(["cleaning", "docked", "paused", "idle", "returning", "error"]);

/**
 * HA's state vacuum: a JSON object on `state_topic` whose `state` (one of
 * VACUUM_STATES, or null for unknown) is the state and whose other keys
 * (`fan_speed`, `battery_level` clamped to 0..100, ...) are attributes.
 */
function vacuum(b: Builder): void {
  b.on("state_topic", (payload) => {
    const doc = tryParseJson(payload);
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
    const { state, ...rest } = doc as Record<string, unknown>;
    const update: StateUpdate = { attributes: {} };
    if (state === null) update.state = "unknown";
    else if (typeof state === "string" && VACUUM_STATES.has(state)) update.state = state;
    for (const [key, value] of Object.entries(rest)) update.attributes![key] = value;
    if (typeof rest.battery_level === "number") update.attributes!.battery_level = Math.max(0, Math.min(100, rest.battery_level));
    return update;
  });
}

const LAWN_MOWER_ACTIVITIES = new Set(["mowing", "paused", "docked", "error", "returning"]);

/** HA's lawn mower: the activity on `activity_state_topic` (after `activity_value_template`); "none" makes it unknown. */
function lawnMower(b: Builder): void {
  b.valueOn("activity_state_topic", "activity_value_template", (v) => {
    if (v.toLowerCase() === "none") return { state: "unknown" };
    return LAWN_MOWER_ACTIVITIES.has(v) ? { state: v } : undefined;
  });
}

const HUMIDIFIER_ACTIONS = new Set(["off", "humidifying", "drying", "idle"]);

/**
 * HA's MQTT humidifier: on/off on `state_topic` (`None` = unknown); target
 * humidity (rounded, within min..max) as `humidity`, current humidity, the
 * mode (one of `modes`; `payload_reset_mode` clears it) and the action.
 */
function humidifier(b: Builder, c: Config): void {
  const min = num(c, "min_humidity", 0);
  const max = num(c, "max_humidity", 100);
  b.valueOn("state_topic", "state_value_template", (v) => (v === "None" ? { state: "unknown" } : onOff(c, v, "payload_on", "payload_off", "ON", "OFF")));
  const percent = (attribute: string, low: number, high: number) => (v: string): StateUpdate | undefined => {
    if (v === str(c, "payload_reset_humidity", "None")) return { attributes: { [attribute]: null } };
    const n = toNumber(v);
    if (n === undefined) return undefined;
    const rounded = Math.round(n);
    return rounded < low || rounded > high ? undefined : { attributes: { [attribute]: rounded } };
  };
  b.valueOn("target_humidity_state_topic", "target_humidity_state_template", percent("humidity", min, max));
  b.valueOn("current_humidity_topic", "current_humidity_template", percent("current_humidity", 0, 100));
  b.valueOn("mode_state_topic", "mode_state_template", (v) => {
    if (v === str(c, "payload_reset_mode", "None")) return { attributes: { mode: null } };
    return Array.isArray(c.modes) && c.modes.includes(v) ? { attributes: { mode: v } } : undefined;
  });
  b.valueOn("action_topic", "action_template", (v) => (HUMIDIFIER_ACTIONS.has(v) ? { attributes: { action: v } } : undefined));
}

const DEFAULT_WATER_HEATER_MODES = ["eco", "electric", "gas", "heat_pump", "high_demand", "performance", "off"];

/**
 * HA's MQTT water heater: the operation mode on `mode_state_topic` is the
 * state (one of `modes`); target and current temperature as attributes.
 * `value_template` stands in for each missing `*_template` (wired by the
 * Builder's fallback).
 */
function waterHeater(b: Builder, c: Config): void {
  const modes = Array.isArray(c.modes) ? c.modes : DEFAULT_WATER_HEATER_MODES;
  b.valueOn("mode_state_topic", "mode_state_template", (v) => (modes.includes(v) ? { state: v } : undefined));
  b.numberAttribute("temperature_state_topic", "temperature_state_template", "temperature");
  b.numberAttribute("current_temperature_topic", "current_temperature_template", "current_temperature");
}

const ALARM_STATES = new Set(["disarmed", "armed_home", "armed_away", "armed_night", "armed_vacation", "armed_custom_bypass", "pending", "triggered", "arming", "disarming"]);

/**
 * The state bindings of one entity.
 * @param templates the entity's compiled templates by config key (failed ones absent).
 */
export function stateBindings(component: SupportedComponent, config: Config, templates: Templates): StateBinding[] {
  const defaultSchemaLight = component === "light" && config.schema !== "json" && config.schema !== "template";
  const fallback = defaultSchemaLight || component === "water_heater" ? "value_template" : undefined;
  const b = new Builder(config, templates, fallback);
  switch (component) {
    case "light":
      if (config.schema === "json") lightJson(b, config);
      else if (config.schema === "template") lightTemplate(b, config);
      else lightDefault(b, config);
      break;
    case "switch": {
      const on = str(config, "state_on", str(config, "payload_on", "ON"));
      const off = str(config, "state_off", str(config, "payload_off", "OFF"));
      b.valueOn("state_topic", "value_template", (v) => (samePayload(v, on) ? { state: "on" } : samePayload(v, off) ? { state: "off" } : undefined));
      break;
    }
    case "binary_sensor":
      b.valueOn("state_topic", "value_template", (v) => onOff(config, v, "payload_on", "payload_off", "ON", "OFF"));
      break;
    case "sensor":
    case "text":
      b.valueOn("state_topic", "value_template", (v) => ({ state: v }));
      break;
    case "number":
      b.valueOn("state_topic", "value_template", (v) => (toNumber(v) === undefined ? undefined : { state: v }));
      break;
    case "select":
      b.valueOn("state_topic", "value_template", (v) => (Array.isArray(config.options) && config.options.includes(v) ? { state: v } : undefined));
      break;
    case "fan":
      fan(b, config);
      break;
    case "cover":
      cover(b, config, false);
      break;
    case "valve":
      cover(b, config, true);
      break;
    case "climate":
      climate(b, config);
      break;
    case "lock":
      lock(b, config);
      break;
    case "alarm_control_panel":
      b.valueOn("state_topic", "value_template", (v) => (ALARM_STATES.has(v) ? { state: v } : undefined));
      break;
    case "siren":
      siren(b, config);
      break;
    case "vacuum":
      vacuum(b);
      break;
    case "lawn_mower":
      lawnMower(b);
      break;
    case "humidifier":
      humidifier(b, config);
      break;
    case "water_heater":
      waterHeater(b, config);
      break;
    case "event":
      b.valueOn("state_topic", "value_template", (v) => {
        const doc = tryParseJson(v);
        if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
        const { event_type: eventType, ...rest } = doc as Record<string, unknown>;
        if (typeof eventType !== "string" || !(Array.isArray(config.event_types) && config.event_types.includes(eventType))) return undefined;
        return { state: new Date().toISOString(), attributes: { ...rest, event_type: eventType } };
      });
      break;
    case "scene":
    case "button":
      break;
  }
  b.on("json_attributes_topic", (payload) => {
    const doc = tryParseJson(b.value("json_attributes_template", payload));
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return undefined;
    const attributes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) if (!BLOCKED_ATTRIBUTES.has(k)) attributes[k] = v;
    return { attributes };
  });
  return b.bindings;
}
