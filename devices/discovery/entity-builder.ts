/**
 * A discovered component config → a registry Entity: id and friendly name as
 * HA derives them, area/floor/aliases from the config overrides (else the
 * device's suggested area), static attributes (unit, colour modes, temperature
 * range, options, ...), compiled templates, availability and read-only status.
 */
import { commandTopics, judgePublish } from "../../agent/act/publish-guard.ts";
import type { Config } from "../../agent/config/schema.ts";
import { commandSupport } from "../commands/encode.ts";
import type { DeviceInfo, Domain, Entity } from "../entity.ts";
import { ExposurePolicy } from "../exposure.ts";
import type { EntityRegistry } from "../registry.ts";
import { compileTemplate, type CompiledTemplate } from "../template.ts";
import { AvailabilityTracker, type AvailabilityMode } from "./availability.ts";
import type { ComponentConfig } from "./message.ts";
import { entityName, friendlyName, suggestedObjectId, uniqueEntityId } from "./naming.ts";

/** Components that only report (HA gives them no command topic). */
const STATE_ONLY = new Set(["sensor", "binary_sensor", "event"]);

export interface BuiltEntity {
  entity: Entity;
  /** Compiled templates by config key; a template that failed to compile is absent. */
  templates: Map<string, CompiledTemplate>;
  /** One line per template that failed to compile (`value_template: reason`). */
  templateErrors: string[];
  availability?: AvailabilityTracker;
}

export interface BuildOptions {
  /** True when an entity id is already used by another discovered or fixture entity. */
  taken: (entityId: string) => boolean;
  /** `entities.<id>` overrides from the config. */
  overrides: Config["entities"];
  /** For area names and floors (by id, name or alias). */
  registry?: EntityRegistry;
  /** The discovery prefix: command topics under it make the entity read-only (default `homeassistant`). */
  discoveryPrefix?: string;
  /** Config `homeassistant.exposure`; default HA's: disabled and config/diagnostic entities are not exposed. */
  exposure?: ExposurePolicy;
}

const DEFAULT_EXPOSURE = new ExposurePolicy();

/** Why one of the config's command topics may never be published to (publish guard), or undefined. */
function forbiddenCommandTopic(id: string, config: Record<string, unknown>, discoveryPrefix: string): string | undefined {
  for (const topic of commandTopics(config)) {
    const verdict = judgePublish(topic, { kind: "entity", entity: { id, config } }, { discoveryPrefix });
    if (!verdict.allowed) return `command topic ${JSON.stringify(topic)} refused by the publish guard: ${verdict.reason}`;
  }
  return undefined;
}

function deviceInfo(device: unknown): DeviceInfo | undefined {
  if (typeof device !== "object" || device === null) return undefined;
  const d = device as Record<string, unknown>;
  const info: DeviceInfo = {};
  for (const key of ["name", "manufacturer", "model", "model_id", "sw_version", "hw_version", "suggested_area", "via_device", "configuration_url", "serial_number"] as const) {
    if (typeof d[key] === "string") info[key] = d[key] as string;
  }
  if (Array.isArray(d.identifiers)) info.identifiers = d.identifiers.map(String);
  if (Array.isArray(d.connections)) info.connections = d.connections as [string, string][];
  return info;
}

/** Attributes known from the config alone, under HA's attribute names (`modes` is a different attribute per component). */
function staticAttributes(component: string, config: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  const copy = (from: string, to = from) => {
    if (config[from] !== undefined && config[from] !== null) attributes[to] = config[from];
  };
  copy("unit_of_measurement");
  copy("device_class");
  copy("state_class");
  copy("icon");
  copy("supported_color_modes");
  copy("effect_list");
  copy("modes", component === "humidifier" ? "available_modes" : component === "water_heater" ? "operation_list" : "hvac_modes");
  copy("fan_speed_list");
  copy("min_humidity");
  copy("max_humidity");
  copy("min_temp");
  copy("max_temp");
  copy("temp_step", "target_temp_step");
  copy("preset_modes");
  copy("fan_modes");
  copy("options");
  copy("min");
  copy("max");
  copy("step");
  copy("event_types");
  // Colour temperature range in kelvin (HA's min_color_temp_kelvin/max_color_temp_kelvin): mireds invert.
  if (typeof config.max_mireds === "number") attributes.min_color_temp_kelvin = Math.round(1_000_000 / config.max_mireds);
  if (typeof config.min_mireds === "number") attributes.max_color_temp_kelvin = Math.round(1_000_000 / config.min_mireds);
  if (typeof config.min_kelvin === "number") attributes.min_color_temp_kelvin = config.min_kelvin;
  if (typeof config.max_kelvin === "number") attributes.max_color_temp_kelvin = config.max_kelvin;
  return attributes;
}

/**
 * Compiled templates by source. A large home repeats a few hundred template
 * texts over tens of thousands of entities (Zigbee2MQTT: `{{ value_json["battery"] }}`
 * on every battery sensor), and compiling is most of the cost of building an
 * entity; a compiled template holds no state between renders, so entities share it.
 */
const compiled = new Map<string, CompiledTemplate | Error>();
const MAX_COMPILED = 16_384;

function compileShared(source: string): CompiledTemplate {
  let entry = compiled.get(source);
  if (entry === undefined) {
    try {
      entry = compileTemplate(source);
    } catch (err) {
      entry = err as Error;
    }
    // Bounded: a flood of distinct templates costs a recompile, not memory.
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(source, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

function compileAll(config: Record<string, unknown>): { templates: Map<string, CompiledTemplate>; errors: string[] } {
  const templates = new Map<string, CompiledTemplate>();
  const errors: string[] = [];
  const tryCompile = (key: string, source: string) => {
    try {
      templates.set(key, compileShared(source));
    } catch (err) {
      errors.push(`${key}: ${(err as Error).message}`);
    }
  };
  for (const [key, value] of Object.entries(config)) if (key.endsWith("template") && typeof value === "string") tryCompile(key, value);
  if (Array.isArray(config.availability)) {
    config.availability.forEach((entry, i) => {
      const template = (entry as Record<string, unknown>).value_template;
      if (typeof template === "string") tryCompile(`availability.${i}.value_template`, template);
    });
  }
  return { templates, errors };
}

function commandable(config: Record<string, unknown>): boolean {
  return Object.keys(config).some((key) => key === "command_topic" || key.endsWith("_command_topic") || key === "set_position_topic");
}

/** Build the entity for one component config (`config` must not be null). */
export function buildEntity(discovered: ComponentConfig & { config: Record<string, unknown> }, options: BuildOptions): BuiltEntity {
  const { component, config } = discovered;
  const device = deviceInfo(config.device);
  const ownName = entityName(component, config);
  const friendly = friendlyName(device?.name, ownName, component);
  const id = uniqueEntityId(component, suggestedObjectId(config, friendly), options.taken);
  const override = options.overrides[id];

  const areaName = override?.area ?? device?.suggested_area;
  const area = areaName ? options.registry?.findArea(areaName) : undefined;
  const floorName = override?.floor ?? area?.floor;
  const floor = floorName ? (options.registry?.findFloor(floorName)?.name ?? floorName) : undefined;

  const { templates, errors } = compileAll(config);
  let readOnlyReason: string | undefined;
  if (STATE_ONLY.has(component)) readOnlyReason = "state-only component";
  else if (!commandable(config)) readOnlyReason = "no command topic";
  else if (errors.length > 0) readOnlyReason = `template cannot be compiled (${errors[0]})`;
  else readOnlyReason = forbiddenCommandTopic(id, config, options.discoveryPrefix ?? "homeassistant");

  const category = config.entity_category === "config" || config.entity_category === "diagnostic" ? config.entity_category : undefined;
  const { exposed, disabled } = (options.exposure ?? DEFAULT_EXPOSURE).of(id, config.enabled_by_default !== false, category);

  let availability: AvailabilityTracker | undefined;
  if (Array.isArray(config.availability) && config.availability.length > 0) {
    const entries = (config.availability as Record<string, unknown>[]).map((entry, i) => ({
      topic: entry.topic as string,
      payloadAvailable: typeof entry.payload_available === "string" ? entry.payload_available : "online",
      payloadNotAvailable: typeof entry.payload_not_available === "string" ? entry.payload_not_available : "offline",
      template: templates.get(`availability.${i}.value_template`),
    }));
    availability = new AvailabilityTracker(entries, (config.availability_mode as AvailabilityMode | undefined) ?? "latest");
  }

  const entity: Entity = {
    id,
    domain: component as Domain,
    name: override?.name ?? friendly,
    aliases: override?.aliases ?? [],
    area: area?.name ?? areaName,
    floor,
    device_class: typeof config.device_class === "string" ? config.device_class : undefined,
    state: undefined,
    attributes: staticAttributes(component, config),
    available: true,
    config,
    device,
    source: discovered.topic,
    readOnly: readOnlyReason !== undefined,
    readOnlyReason,
    ...(category ? { category } : {}),
    ...(exposed ? {} : { exposed: false }),
    ...(disabled ? { disabled: true } : {}),
  };
  if (!entity.readOnly) {
    // What the encoders cannot command is read-only, with their reason: never listed as commandable.
    const support = commandSupport(entity);
    if (!support.ok) {
      entity.readOnly = true;
      entity.readOnlyReason = support.reason;
    }
  }
  return { entity, templates, templateErrors: errors, availability };
}
