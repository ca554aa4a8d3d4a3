/**
 * Test helpers: read the real discovery messages in
 * `../shared/data/mqtt-discovery` in place, expand the handful of
 * abbreviations those files and the simulated Tasmota device use (the real
 * expander lives in devices/discovery/), and build Entities from configs.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Domain, Entity } from "../../devices/entity.ts";

export const DISCOVERY_DIR = fileURLToPath(new URL("../../../shared/data/mqtt-discovery/", import.meta.url));
export const SHARED_ABSENT = existsSync(DISCOVERY_DIR) ? undefined : `../shared absent: ${DISCOVERY_DIR} not found`;

/** Only the abbreviations that occur in the payloads these tests read. */
const ABBREVIATIONS: Record<string, string> = {
  cmd_t: "command_topic",
  stat_t: "state_topic",
  val_tpl: "value_template",
  pl_on: "payload_on",
  pl_off: "payload_off",
  avty_t: "availability_topic",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  uniq_id: "unique_id",
  dev: "device",
  bri_cmd_t: "brightness_command_topic",
  bri_stat_t: "brightness_state_topic",
  bri_scl: "brightness_scale",
  bri_val_tpl: "brightness_value_template",
  on_cmd_type: "on_command_type",
  clr_temp_cmd_t: "color_temp_command_topic",
  clr_temp_stat_t: "color_temp_state_topic",
  clr_temp_val_tpl: "color_temp_value_template",
  min_mirs: "min_mireds",
  max_mirs: "max_mireds",
};
const DEVICE_ABBREVIATIONS: Record<string, string> = {
  ids: "identifiers",
  cns: "connections",
  mf: "manufacturer",
  mdl: "model",
  sw: "sw_version",
  sa: "suggested_area",
  cu: "configuration_url",
};

/** Expand the abbreviations above and the `~` base topic of one discovery payload. */
export function expandDiscovery(payload: Record<string, unknown>): Record<string, unknown> {
  const base = typeof payload["~"] === "string" ? (payload["~"] as string) : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === "~") continue;
    const full = ABBREVIATIONS[key] ?? key;
    let v = value;
    if (base !== undefined && typeof v === "string" && full.endsWith("_topic")) {
      if (v.startsWith("~")) v = base + v.slice(1);
      else if (v.endsWith("~")) v = v.slice(0, -1) + base;
    }
    if (full === "device" && v !== null && typeof v === "object") {
      v = Object.fromEntries(Object.entries(v).map(([k, dv]) => [DEVICE_ABBREVIATIONS[k] ?? k, dv]));
    }
    out[full] = v;
  }
  return out;
}

/** The discovery topic and expanded config of one file, e.g. `11_z2m-2.12.1_ikea-bulb_light-json-schema.json`. */
export function readDiscovery(file: string): { topic: string; config: Record<string, unknown> } {
  const doc = JSON.parse(readFileSync(DISCOVERY_DIR + file, "utf8")) as { topic: string; payload: Record<string, unknown> };
  return { topic: doc.topic, config: expandDiscovery(doc.payload) };
}

/** An entity for `config`, its domain and object id taken from the discovery topic. */
export function entityFromDiscovery(file: string, extra: Partial<Entity> = {}): Entity {
  const { topic, config } = readDiscovery(file);
  const [, domain, nodeOrObject, maybeObject] = topic.split("/");
  const objectId = (config.object_id as string | undefined) ?? (maybeObject === "config" ? nodeOrObject : maybeObject)!;
  return makeEntity(domain as Domain, objectId, config, { source: topic, ...extra });
}

export function makeEntity(domain: Domain, objectId: string, config: Record<string, unknown>, extra: Partial<Entity> = {}): Entity {
  return {
    id: `${domain}.${objectId}`,
    domain,
    name: objectId.replace(/_/g, " "),
    aliases: [],
    attributes: {},
    available: true,
    config,
    source: "test",
    readOnly: false,
    ...extra,
  };
}
