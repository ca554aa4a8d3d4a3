/**
 * Entity ids and friendly names as Home Assistant derives them for MQTT
 * entities (homeassistant/components/mqtt/entity.py, helpers/entity.py):
 *
 * - entity id `domain.object_id`: from `default_entity_id` (its part after the
 *   dot) or `object_id` when given, else from the friendly name; slugified;
 *   made unique by appending `_2`, `_3`, ... (async_generate_entity_id).
 * - friendly name: entities have `has_entity_name`, so it is the device name
 *   followed by the entity name; an entity name of null means the device name
 *   alone; no device name means the entity name alone. An entity without a
 *   `name` key is named after its device class where the platform does that
 *   (sensor, binary_sensor, button, number, event, cover, valve), else gets
 *   the platform's default name ("MQTT Sensor", ...).
 */
import type { SupportedComponent } from "./message.ts";

/** HA's default names (each platform's DEFAULT_NAME). */
const DEFAULT_NAMES: Record<SupportedComponent, string> = {
  light: "MQTT Light", switch: "MQTT Switch", fan: "MQTT Fan", cover: "MQTT Cover", climate: "MQTT HVAC",
  lock: "MQTT Lock", scene: "MQTT Scene", button: "MQTT Button", valve: "MQTT Valve", number: "MQTT Number",
  select: "MQTT Select", sensor: "MQTT Sensor", binary_sensor: "MQTT Binary sensor", event: "MQTT Event",
  alarm_control_panel: "MQTT Alarm", text: "MQTT Text", siren: "MQTT Siren", vacuum: "MQTT State Vacuum",
  lawn_mower: "MQTT Lawn Mower", humidifier: "MQTT Humidifier", water_heater: "MQTT Water Heater",
};
const JSON_LIGHT_NAME = "MQTT JSON Light";
const TEMPLATE_LIGHT_NAME = "MQTT Template Light";

/** Platforms whose unnamed entities take their device class's name. */
const NAMED_BY_DEVICE_CLASS = new Set<SupportedComponent>(["sensor", "binary_sensor", "button", "number", "event", "cover", "valve"]);

/**
 * HA's slugify (python-slugify with `_`): ASCII-fold, lower-case, every run of
 * other characters becomes one `_`, trimmed; "unknown" when nothing is left.
 */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/['\u2019]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return slug === "" ? "unknown" : slug;
}

/** English name of a device class, as HA's translations spell most of them ("carbon_dioxide" → "Carbon dioxide"). */
function deviceClassName(deviceClass: string): string {
  const words = deviceClass.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The entity's own name: a string, or null when the entity is the device's
 * main feature (named after the device).
 */
export function entityName(component: SupportedComponent, config: Record<string, unknown>): string | null {
  if ("name" in config) return typeof config.name === "string" ? config.name : null;
  const deviceClass = typeof config.device_class === "string" ? config.device_class : undefined;
  if (NAMED_BY_DEVICE_CLASS.has(component) && deviceClass && deviceClass !== "enum") return deviceClassName(deviceClass);
  if (component === "light" && config.schema === "json") return JSON_LIGHT_NAME;
  if (component === "light" && config.schema === "template") return TEMPLATE_LIGHT_NAME;
  return DEFAULT_NAMES[component];
}

/**
 * Friendly name from the device name and the entity name (HA's has_entity_name
 * rule). As HA does since 2023.8, an entity name that repeats the device name
 * ("Kitchen Ceiling" on device "Kitchen Ceiling") loses that prefix.
 */
export function friendlyName(deviceName: string | undefined, name: string | null, component: SupportedComponent): string {
  const lower = name?.toLowerCase();
  if (deviceName && name && (lower === deviceName.toLowerCase() || lower!.startsWith(deviceName.toLowerCase() + " "))) {
    const rest = name.slice(deviceName.length).trim();
    return rest ? `${deviceName} ${rest}` : deviceName;
  }
  if (deviceName && name) return `${deviceName} ${name}`;
  if (deviceName) return deviceName;
  return name ?? DEFAULT_NAMES[component];
}

/** The object id HA would suggest (before making it unique). */
export function suggestedObjectId(config: Record<string, unknown>, friendly: string): string {
  if (typeof config.default_entity_id === "string") {
    const dot = config.default_entity_id.indexOf(".");
    return slugify(dot >= 0 ? config.default_entity_id.slice(dot + 1) : config.default_entity_id);
  }
  if (typeof config.object_id === "string") return slugify(config.object_id);
  return slugify(friendly);
}

/** `domain.objectId`, or the first of `domain.objectId_2`, `_3`, ... that `taken` does not hold. */
export function uniqueEntityId(domain: string, objectId: string, taken: (id: string) => boolean): string {
  const base = `${domain}.${objectId}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}_${n}`)) return `${base}_${n}`;
}
