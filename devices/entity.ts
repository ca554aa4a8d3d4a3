/**
 * The shape every part of hearth uses for a Home Assistant entity, whether it
 * came from MQTT discovery, from a static fixtures file, or from the config.
 */

/** HA components (entity domains) hearth understands. */
export type Domain =
  | "light" | "switch" | "fan" | "cover" | "climate" | "lock" | "scene" | "button"
  | "valve" | "number" | "select" | "sensor" | "binary_sensor" | "event"
  | "alarm_control_panel" | "text" | "image" | "media_player" | "vacuum" | "humidifier"
  | "water_heater" | "device_tracker" | "siren" | "lawn_mower";

/** The device block of a discovery payload, abbreviations expanded. */
export interface DeviceInfo {
  identifiers?: string[];
  connections?: [string, string][];
  name?: string;
  manufacturer?: string;
  model?: string;
  model_id?: string;
  sw_version?: string;
  hw_version?: string;
  suggested_area?: string;
  via_device?: string;
  configuration_url?: string;
  serial_number?: string;
}

export interface Entity {
  /** `domain.object_id`, e.g. `light.kitchen_ceiling`. */
  id: string;
  domain: Domain;
  /** Friendly name as HA would show it (device name + entity name when both exist). */
  name: string;
  /** Other names people use, from the config. */
  aliases: string[];
  /** Area name (not id), e.g. "Kitchen"; from config, else the device's suggested_area. */
  area?: string;
  /** Floor name, from config or the area's floor. */
  floor?: string;
  device_class?: string;
  /** Current state as HA would report it: "on", "off", "open", "21.5", ... undefined when unknown. */
  state?: string;
  /** State attributes (brightness 0..255, color_temp_kelvin, current_temperature, current_position, unit_of_measurement, ...). */
  attributes: Record<string, unknown>;
  /** False while the availability topics say offline; true when unknown or online. */
  available: boolean;
  /**
   * The discovery config, abbreviations and `~` expanded (undefined for
   * fixtures-only entities, which cannot be commanded over MQTT).
   */
  config?: Record<string, unknown>;
  device?: DeviceInfo;
  /** Where this entity came from: discovery topic, or a fixtures file path. */
  source: string;
  /** True when the entity can only be read (no command topic, or a template that cannot be rendered). */
  readOnly: boolean;
  /** Why `readOnly` is true, in words ("state-only component", "no command topic", "template ... cannot be compiled"). */
  readOnlyReason?: string;
  /** HA's `entity_category`: settings (`config`) and health (`diagnostic`) entities, kept out of area and domain commands. */
  category?: "config" | "diagnostic";
  /**
   * Whether voice and typed commands may reach it (HA's "exposed to Assist");
   * undefined means exposed. False for entities HA creates disabled
   * (`enabled_by_default: false`), config/diagnostic ones and those the config
   * hides, unless the config exposes them.
   */
  exposed?: boolean;
  /** True for `enabled_by_default: false` entities the config does not expose: HA creates them disabled (no state). */
  disabled?: boolean;
}

/** An MQTT message hearth wants to publish. */
export interface OutgoingMessage {
  topic: string;
  /** Text for commands and events; bytes for images (snapshots). */
  payload: string | Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
}
