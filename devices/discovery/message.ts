/**
 * One MQTT discovery message → the component configs it carries, the way
 * Home Assistant reads them (homeassistant/components/mqtt/discovery.py):
 *
 * - topic `<prefix>/<component>/[<node_id>/]<object_id>/config` (ids of
 *   `[a-zA-Z0-9_-]`), or `<prefix>/device/[<node_id>/]<object_id>/config`
 *   for a device-based config whose `components` (`cmps`) map ids to configs
 *   with a `platform`;
 * - an empty payload removes (for a device, every component it announced);
 *   a device component holding nothing but `platform` removes that component;
 * - abbreviations expanded, `~` substituted at the start or end of every
 *   `*topic` value and availability topic;
 * - device-based components inherit `device`, `origin` and the shared options
 *   (availability*, command_topic, state_topic, payload_(not_)available) unless
 *   they set them; hearth also lets them inherit `~`, so a device-level base
 *   topic works for its components.
 *
 * Values are coerced as HA's schemas do (booleans in string options become
 * `True`/`False`, numeric strings in number options become numbers, "true"/
 * "false" strings in boolean options become booleans), then validated; any
 * problem is reported as an error string naming the key.
 */
import { z } from "zod";
import { topicProblem } from "../mqtt/topic.ts";
import { PayloadError, decodeUtf8, parseJsonSafely } from "../safe-json.ts";
import { expandAbbreviations } from "./abbreviations.ts";

/** Components hearth reads from discovery (HA platform names). */
export const SUPPORTED_COMPONENTS = [
  "light", "switch", "fan", "cover", "climate", "lock", "scene", "button", "valve", "number", "select",
  "sensor", "binary_sensor", "event", "alarm_control_panel", "text", "siren", "vacuum", "lawn_mower", "humidifier", "water_heater",
] as const;
export type SupportedComponent = (typeof SUPPORTED_COMPONENTS)[number];
const SUPPORTED = new Set<string>(SUPPORTED_COMPONENTS);

/** Deepest JSON nesting accepted in a discovery payload (real ones nest 3–4 levels). */
export const MAX_DISCOVERY_DEPTH = 16;

/** One entity's config as discovered. `config` null = remove it. */
export interface ComponentConfig {
  /** HA's discovery hash: `<component> [<node_id> ]<object_id>`; stable across updates. */
  key: string;
  component: SupportedComponent;
  nodeId?: string;
  objectId: string;
  /** The discovery topic the config came from. */
  topic: string;
  /** Set for components of a device-based config: `[<node_id> ]<object_id>` of the device topic. */
  deviceKey?: string;
  config: Record<string, unknown> | null;
  /** Why this component was skipped (its `config` is then null and must not be treated as removal). */
  error?: string;
}

export type DiscoveryMessage =
  /** Not a discovery config topic (e.g. HA's status topic); ignore silently. */
  | { kind: "ignored" }
  /** The whole message is unusable: log once with its topic (`unsupported`: the component hearth does not read). */
  | { kind: "invalid"; reason: string; unsupported?: string }
  /** Empty payload on a device topic: remove every component of `deviceKey`. */
  | { kind: "device-removed"; deviceKey: string }
  | { kind: "configs"; configs: ComponentConfig[] };

const ID = "[a-zA-Z0-9_-]+";
const TOPIC_PATTERN = new RegExp(`^(\\w+)/(?:(${ID})/)?(${ID})/config$`);

/** Options shared by a device-based config with its components (HA's SHARED_OPTIONS), plus `~`. */
const SHARED_OPTIONS = [
  "availability", "availability_mode", "availability_template", "availability_topic",
  "command_topic", "payload_available", "payload_not_available", "state_topic", "~",
];

/*
 * Field kinds, from HA's MQTT platform schemas (homeassistant/components/mqtt/*.py,
 * helpers/config_validation.py). Coercion follows the validator each field uses:
 * - `cv.string`: a number or boolean becomes Python's str() of it ("1", "True");
 *   a list or object is refused;
 * - `cv.template`: the same (`Template(str(value))`);
 * - `cv.boolean`: booleans, any number (non-zero is true), and the strings
 *   1/true/yes/on/enable and 0/false/no/off/disable (case and spaces ignored);
 * - `vol.Coerce(float)` / `vol.Coerce(int)` (and cv.positive_int): numbers and
 *   numeric strings; Coerce(int) truncates a JSON float and refuses "5.5";
 * - `cv.ensure_list`: one value is a one-item list.
 * Topics are `cv.string` first too (valid_topic), so a numeric topic is its string.
 */
const STRING_PAYLOAD_KEY = /^(payload(_[a-z_]+)?|state_(on|off|open|opening|closed|closing|stopped|locked|unlocked|locking|unlocking|jammed))$/;
const STRING_KEYS = new Set([
  "unique_id", "object_id", "default_entity_id", "icon", "unit_of_measurement", "state_class", "encoding", "temperature_unit",
  "code", "mode", "pattern", "entity_picture", "device_class", "entity_category", "platform",
]);
const BOOLEAN_KEYS = new Set([
  "enabled_by_default", "force_update", "optimistic", "retain", "brightness", "effect", "color_temp", "rgb", "xy", "hs",
  "flash", "tilt_optimistic", "tilt_invert_state", "send_if_off", "code_arm_required", "code_disarm_required",
  "code_trigger_required", "reports_position", "color_temp_kelvin", "migrate_discovery", "support_duration", "support_volume_set",
  "white", "white_value",
]);
/** vol.Coerce(int) and cv.positive_int fields. */
const INT_KEYS = new Set([
  "qos", "expire_after", "off_delay", "brightness_scale", "min_mireds", "max_mireds", "min_kelvin", "max_kelvin",
  "speed_range_min", "speed_range_max", "position_open", "position_closed", "tilt_min", "tilt_max", "tilt_opened_value",
  "tilt_closed_value", "white_scale", "flash_time_short", "flash_time_long", "suggested_display_precision", "display_precision",
  "transition",
]);
/** vol.Coerce(float) fields (number min/max/step are floats; text min/max are ints but the range check is the same). */
const FLOAT_KEYS = new Set(["min_temp", "max_temp", "temp_step", "precision", "min", "max", "step", "min_humidity", "max_humidity", "initial"]);
/** cv.ensure_list fields whose items hearth reads as strings. */
const STRING_LIST_KEYS = new Set([
  "options", "modes", "preset_modes", "effect_list", "event_types", "supported_color_modes", "fan_modes",
  "swing_modes", "swing_horizontal_modes", "supported_features", "available_tones", "swing_horizontal_modes", "fan_speed_list",
]);
const DEVICE_STRING_KEYS = [
  "name", "manufacturer", "model", "model_id", "sw_version", "hw_version", "suggested_area", "via_device", "configuration_url", "serial_number",
];

/**
 * Longest entity, device or area name accepted, in characters. Names feed the
 * text matcher, the fallback's fuzzy index and the speech grammar, whose cost
 * grows with their length; a 60,000-character name from one hostile retained
 * config stalled the fallback's build for a minute. HA itself keeps a state's
 * name within 255 characters.
 */
export const MAX_NAME_CHARS = 255;
const nameSchema = z.string().max(MAX_NAME_CHARS, `longer than ${MAX_NAME_CHARS} characters`);

// Types after `coerce`: what HA's validators coerce has been coerced, so what is left of the wrong type is refused here.
const deviceSchema = z.looseObject({
  identifiers: z.array(z.string()).optional(),
  connections: z.array(z.tuple([z.string(), z.string()])).optional(),
  name: nameSchema.nullable().optional(),
  manufacturer: z.string().optional(),
  model: z.string().optional(),
  model_id: z.string().optional(),
  sw_version: z.string().optional(),
  hw_version: z.string().optional(),
  suggested_area: nameSchema.optional(),
  via_device: z.string().optional(),
  configuration_url: z.string().optional(),
  serial_number: z.string().optional(),
});
const availabilitySchema = z.array(z.looseObject({
  topic: z.string().min(1).superRefine((topic, ctx) => {
    const problem = topicProblem(topic, "subscribe");
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  payload_available: z.string().optional(),
  payload_not_available: z.string().optional(),
  value_template: z.string().optional(),
}));
const componentSchema = z.looseObject({
  name: nameSchema.nullable().optional(),
  unique_id: z.string().optional(),
  object_id: z.string().min(1).optional(),
  default_entity_id: z.string().min(1).optional(),
  device_class: z.string().nullable().optional(),
  unit_of_measurement: z.string().nullable().optional(),
  schema: z.enum(["basic", "default", "json", "template"]).optional(),
  availability_mode: z.enum(["all", "any", "latest"]).optional(),
  availability: availabilitySchema.optional(),
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  device: deviceSchema.optional(),
  origin: z.looseObject({ name: z.string().optional() }).nullable().optional(),
  icon: z.string().optional(),
  entity_category: z.enum(["config", "diagnostic"]).nullable().optional(),
});

/** A refused value for an error message: its JSON, cut short. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const TRUE_STRINGS = new Set(["true", "on", "yes", "1", "enable"]);
const FALSE_STRINGS = new Set(["false", "off", "no", "0", "disable"]);

/** HA's cv.string on a scalar: Python's str() spelling for booleans; lists and objects are left for validation to refuse. */
function pythonString(value: unknown): unknown {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  return value;
}

/** cv.boolean; anything else is returned as is, for validation to refuse. */
function haBoolean(value: unknown): unknown {
  if (typeof value === "number") return value !== 0;
  if (typeof value !== "string") return value;
  const s = value.trim().toLowerCase();
  return TRUE_STRINGS.has(s) ? true : FALSE_STRINGS.has(s) ? false : value;
}

/** vol.Coerce(float), or Coerce(int) with `integer`; anything else is returned as is. */
function haNumber(value: unknown, integer: boolean): unknown {
  if (typeof value === "boolean") return Number(value);
  if (typeof value === "number") return integer && Number.isFinite(value) ? Math.trunc(value) : value;
  if (typeof value !== "string" || value.trim() === "") return value;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return value;
  return n;
}

/** cv.ensure_list with cv.string items. */
function haStringList(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  return (Array.isArray(value) ? value : [value]).map(pythonString);
}

function coerceDevice(device: Record<string, unknown>): void {
  for (const key of DEVICE_STRING_KEYS) if (key in device && device[key] !== null) device[key] = pythonString(device[key]);
  if ("identifiers" in device) device.identifiers = haStringList(device.identifiers);
  if (Array.isArray(device.connections)) {
    device.connections = device.connections.map((pair) => (Array.isArray(pair) ? pair.map(pythonString) : pair));
  }
}

function coerce(config: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    if (STRING_PAYLOAD_KEY.test(key) || STRING_KEYS.has(key) || key === "name" || key.endsWith("_template") || key.endsWith("_topic")) {
      config[key] = pythonString(value);
    } else if (BOOLEAN_KEYS.has(key)) config[key] = haBoolean(value);
    else if (INT_KEYS.has(key)) config[key] = haNumber(value, true);
    else if (FLOAT_KEYS.has(key)) config[key] = haNumber(value, false);
    else if (STRING_LIST_KEYS.has(key)) config[key] = haStringList(value);
  }
  if (isObject(config.device)) coerceDevice(config.device);
  if (typeof config.availability_topic === "string" && config.availability === undefined) {
    // HA treats a single availability_topic as a one-entry availability list with the shared payloads.
    config.availability = [{
      topic: config.availability_topic,
      ...(config.payload_available !== undefined ? { payload_available: config.payload_available } : {}),
      ...(config.payload_not_available !== undefined ? { payload_not_available: config.payload_not_available } : {}),
      ...(typeof config.availability_template === "string" ? { value_template: config.availability_template } : {}),
    }];
  }
  if (Array.isArray(config.availability)) {
    for (const entry of config.availability) {
      if (!isObject(entry)) continue;
      for (const k of ["payload_available", "payload_not_available", "value_template", "topic"]) if (k in entry) entry[k] = pythonString(entry[k]);
      // An entry without its own payloads uses the config-level ones.
      if (entry.payload_available === undefined && config.payload_available !== undefined) entry.payload_available = config.payload_available;
      if (entry.payload_not_available === undefined && config.payload_not_available !== undefined) entry.payload_not_available = config.payload_not_available;
    }
  }
}

/** Limits on the topics a discovery config may name. */
export interface TopicLimits {
  /** Most levels (`/`-separated parts) in a state, command or availability topic. */
  maxLevels: number;
}

/** Default for `homeassistant.max_topic_levels`: far below mosquitto's 200, far above real topics (Z2M: 4). */
export const DEFAULT_MAX_TOPIC_LEVELS = 32;

/**
 * Why the topic under config `key` is unusable, as `key: problem`. MQTT's
 * rules (length, characters) apply to every topic; hearth also refuses
 * wildcards in every topic a config names (HA allows them in state topics,
 * but a discovered `#` would subscribe hearth to the whole broker) and more
 * than `limits.maxLevels` levels (mosquitto drops a client whose filter
 * exceeds its own limit, at every resubscribe).
 */
function keyedTopicProblem(key: string, topic: string, limits: TopicLimits): string | undefined {
  const problem = topicProblem(topic, "publish");
  if (problem) return `${key}: ${problem}`;
  const levels = topic.split("/").length;
  if (levels > limits.maxLevels) return `${key}: topic has ${levels} levels, more than homeassistant.max_topic_levels (${limits.maxLevels})`;
  return undefined;
}

/** The first type problem in `config`, as `key: problem`, or undefined. */
function typeProblem(component: SupportedComponent, config: Record<string, unknown>, limits: TopicLimits): string | undefined {
  for (const [key, value] of Object.entries(config)) {
    if (value === null || value === undefined) continue;
    if (key.endsWith("_topic") && (typeof value !== "string" || value === "")) return `${key}: expected a non-empty topic string`;
    if (key.endsWith("_topic")) {
      const problem = keyedTopicProblem(key, value as string, limits);
      if (problem) return problem;
    }
    const stringField = key.endsWith("_template") || STRING_PAYLOAD_KEY.test(key) || STRING_KEYS.has(key);
    if (stringField && typeof value !== "string") return `${key}: expected a string, got ${describe(value)}`;
    if (BOOLEAN_KEYS.has(key) && typeof value !== "boolean") return `${key}: expected a boolean, got ${describe(value)}`;
    if (INT_KEYS.has(key) && !Number.isInteger(value)) return `${key}: expected an integer, got ${describe(value)}`;
    if (FLOAT_KEYS.has(key) && (typeof value !== "number" || !Number.isFinite(value))) return `${key}: expected a number, got ${describe(value)}`;
    if (STRING_LIST_KEYS.has(key) && !(Array.isArray(value) && value.every((v) => typeof v === "string"))) return `${key}: expected a list of strings`;
  }
  if (Array.isArray(config.availability)) {
    for (const [i, entry] of config.availability.entries()) {
      const problem = isObject(entry) && typeof entry.topic === "string" ? keyedTopicProblem(`availability.${i}.topic`, entry.topic, limits) : undefined;
      if (problem) return problem;
    }
  }
  const platformProblem = platformRules(component, config);
  if (platformProblem) return platformProblem;
  const parsed = componentSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.join(".") || "(config)"}: ${issue.message}`;
  }
  Object.assign(config, parsed.data);
  const needsState = component === "sensor" || component === "binary_sensor" || component === "event";
  if (needsState && typeof config.state_topic !== "string") return "state_topic: required for " + component;
  if (component === "event" && !(Array.isArray(config.event_types) && config.event_types.length > 0)) return "event_types: required for event";
  if (component === "select" && !(Array.isArray(config.options) && config.options.length > 0)) return "options: required for select";
  return undefined;
}

/** HA's MQTT vacuum supported_features values. */
const VACUUM_FEATURES = new Set(["start", "stop", "pause", "return_home", "battery", "status", "locate", "clean_spot", "fan_speed", "send_command"]);

/**
 * The checks of the newer platforms' HA schemas that hearth relies on: the
 * vacuum's state schema (HA removed `legacy` in 2024.2; `schema` itself is
 * deprecated and dropped here) and its feature names; the humidifier's
 * required target-humidity topic and range; `modes` with `mode_command_topic`.
 */
function platformRules(component: SupportedComponent, config: Record<string, unknown>): string | undefined {
  if (component === "vacuum") {
    if (typeof config.schema === "string") {
      if (config.schema.toLowerCase() === "legacy") return "schema: the legacy MQTT vacuum schema is no longer supported (Home Assistant removed it in 2024.2); use the state schema";
      delete config.schema;
    }
    const unknown = Array.isArray(config.supported_features) ? config.supported_features.find((f) => !VACUUM_FEATURES.has(String(f))) : undefined;
    if (unknown !== undefined) return `supported_features: unknown vacuum feature ${describe(unknown)}`;
  }
  if (component === "humidifier") {
    if (typeof config.target_humidity_command_topic !== "string") return "target_humidity_command_topic: required for humidifier";
    const min = typeof config.min_humidity === "number" ? config.min_humidity : 0;
    const max = typeof config.max_humidity === "number" ? config.max_humidity : 100;
    if (min >= max) return `max_humidity: must be above min_humidity (${min} >= ${max})`;
    if (max > 100) return `max_humidity: must be at most 100, got ${max}`;
    if (Array.isArray(config.modes) && config.modes.length > 0 && typeof config.mode_command_topic !== "string") return "mode_command_topic: required with modes";
    if (Array.isArray(config.modes) && config.modes.includes(typeof config.payload_reset_mode === "string" ? config.payload_reset_mode : "None")) return "modes: must not contain payload_reset_mode";
  }
  return undefined;
}

function replaceTopicBase(config: Record<string, unknown>): void {
  const base = config["~"];
  delete config["~"];
  if (typeof base !== "string") return;
  const substitute = (topic: string) => (topic.startsWith("~") ? base + topic.slice(1) : topic.endsWith("~") ? topic.slice(0, -1) + base : topic);
  for (const [key, value] of Object.entries(config)) {
    if (key.endsWith("topic") && typeof value === "string" && value !== "") config[key] = substitute(value);
  }
  if (Array.isArray(config.availability)) {
    for (const entry of config.availability) {
      if (isObject(entry) && typeof entry.topic === "string" && entry.topic !== "") entry.topic = substitute(entry.topic);
    }
  }
}

/** Finish one component config: `~`, coercion, validation. Returns an error string or the config. */
function finish(component: SupportedComponent, config: Record<string, unknown>, limits: TopicLimits): { config: Record<string, unknown> } | { error: string } {
  replaceTopicBase(config);
  delete config.platform;
  coerce(config);
  const problem = typeProblem(component, config, limits);
  return problem ? { error: problem } : { config };
}

/**
 * Read one discovery message.
 * @param prefix the discovery prefix (`homeassistant`).
 * @param maxBytes largest payload accepted (`homeassistant.max_payload_bytes`).
 * @param limits topic limits (`homeassistant.max_topic_levels`).
 */
export function readDiscoveryMessage(
  topic: string, payload: Uint8Array, prefix: string, maxBytes: number, limits: TopicLimits = { maxLevels: DEFAULT_MAX_TOPIC_LEVELS },
): DiscoveryMessage {
  if (!topic.startsWith(prefix + "/")) return { kind: "ignored" };
  const match = TOPIC_PATTERN.exec(topic.slice(prefix.length + 1));
  if (!match) {
    return topic.endsWith("/config") ? { kind: "invalid", reason: "not a valid discovery topic (ids may only hold a-z, A-Z, 0-9, _ and -)" } : { kind: "ignored" };
  }
  const [, component, nodeId, objectId] = match as unknown as [string, string, string | undefined, string];
  const isDevice = component === "device";
  if (!isDevice && !SUPPORTED.has(component)) return { kind: "invalid", reason: `unsupported component "${component}"`, unsupported: component };
  if (payload.length > maxBytes) return { kind: "invalid", reason: `payload of ${payload.length} bytes exceeds homeassistant.max_payload_bytes (${maxBytes})` };

  const deviceKey = nodeId ? `${nodeId} ${objectId}` : objectId;
  let text: string;
  let doc: unknown;
  try {
    text = decodeUtf8(payload);
    doc = text === "" ? undefined : parseJsonSafely(text, MAX_DISCOVERY_DEPTH);
  } catch (err) {
    return { kind: "invalid", reason: err instanceof PayloadError ? err.reason : (err as Error).message };
  }
  if (text === "") {
    if (isDevice) return { kind: "device-removed", deviceKey };
    return { kind: "configs", configs: [{ key: `${component} ${deviceKey}`, component: component as SupportedComponent, nodeId, objectId, topic, config: null }] };
  }
  if (!isObject(doc)) return { kind: "invalid", reason: "payload is not a JSON object" };
  if (doc.migrate_discovery !== undefined || doc.migr_discvry !== undefined) return { kind: "ignored" };
  const expanded = expandAbbreviations(doc);

  if (!isDevice) {
    const result = finish(component as SupportedComponent, expanded, limits);
    const base = { key: `${component} ${deviceKey}`, component: component as SupportedComponent, nodeId, objectId, topic };
    if ("error" in result) return { kind: "invalid", reason: result.error };
    return { kind: "configs", configs: [{ ...base, config: result.config }] };
  }

  if (!isObject(expanded.device)) return { kind: "invalid", reason: "device: required in a device-based config" };
  if (!isObject(expanded.components)) return { kind: "invalid", reason: "components (cmps): required in a device-based config" };
  const configs: ComponentConfig[] = [];
  const unsupported: string[] = [];
  for (const [componentId, raw] of Object.entries(expanded.components)) {
    if (!isObject(raw) || typeof raw.platform !== "string") {
      return { kind: "invalid", reason: `components.${componentId}: expected an object with a platform` };
    }
    const platform = raw.platform;
    // A platform hearth does not read (image, camera, ...) is skipped; the device's other components stay, as in HA.
    if (!SUPPORTED.has(platform)) {
      unsupported.push(`components.${componentId}: unsupported platform "${platform}"`);
      continue;
    }
    const componentObjectId = nodeId ? `${nodeId} ${componentId}` : componentId;
    const base = { key: `${platform} ${objectId} ${componentObjectId}`, component: platform as SupportedComponent, nodeId: objectId, objectId: componentId, topic, deviceKey };
    if (Object.keys(raw).length === 1) {
      configs.push({ ...base, config: null });
      continue;
    }
    const merged: Record<string, unknown> = { ...raw, device: expanded.device };
    if (expanded.origin !== undefined) merged.origin = expanded.origin;
    for (const option of SHARED_OPTIONS) if (option in expanded && !(option in merged)) merged[option] = expanded[option];
    // Each component gets its own copy: `~` and coercion rewrite shared availability entries in place.
    const result = finish(platform as SupportedComponent, structuredClone(merged), limits);
    if ("error" in result) configs.push({ ...base, config: null, error: `components.${componentId}.${result.error}` });
    else configs.push({ ...base, config: result.config });
  }
  if (!configs.length && unsupported.length) return { kind: "invalid", reason: unsupported.join("; ") };
  return { kind: "configs", configs };
}
