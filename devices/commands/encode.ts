/**
 * The single entry point from an Action to the MQTT messages Home Assistant
 * would publish for it, dispatched on the entity's component; and
 * `commandSupport`, which says up front whether an entity can be commanded
 * at all (the discovery consumer marks the others read-only).
 */
import type { Domain, Entity, OutgoingMessage } from "../entity.ts";
import { type Action, UnsupportedActionError } from "./action.ts";
import { encodeAlarmControlPanel } from "./alarm-control-panel.ts";
import { encodeButton } from "./button.ts";
import { encodeClimate } from "./climate.ts";
import { encodeCover } from "./cover.ts";
import { EntityConfig, templateProblem } from "./entity-config.ts";
import { encodeFan } from "./fan.ts";
import { encodeHumidifier } from "./humidifier.ts";
import { encodeLawnMower } from "./lawn-mower.ts";
import { encodeLight } from "./light.ts";
import { encodeLock } from "./lock.ts";
import { encodeNumber } from "./number.ts";
import { encodeScene } from "./scene.ts";
import { encodeSelect } from "./select.ts";
import { encodeSiren } from "./siren.ts";
import { encodeSwitch } from "./switch.ts";
import { encodeText } from "./text.ts";
import { encodeVacuum } from "./vacuum.ts";
import { encodeValve } from "./valve.ts";
import { encodeWaterHeater } from "./water-heater.ts";

type Encoder = (config: EntityConfig, action: Action) => OutgoingMessage[];

const ENCODERS: Partial<Record<Domain, Encoder>> = {
  light: encodeLight,
  switch: encodeSwitch,
  fan: encodeFan,
  cover: encodeCover,
  climate: encodeClimate,
  lock: encodeLock,
  scene: encodeScene,
  button: encodeButton,
  valve: encodeValve,
  number: encodeNumber,
  select: encodeSelect,
  alarm_control_panel: encodeAlarmControlPanel,
  text: encodeText,
  siren: encodeSiren,
  vacuum: encodeVacuum,
  lawn_mower: encodeLawnMower,
  humidifier: encodeHumidifier,
  water_heater: encodeWaterHeater,
};

/**
 * Messages that carry out `action` on `entity`, in the order HA publishes
 * them (e.g. brightness before `ON` for `on_command_type: last`).
 * @throws UnsupportedActionError when the entity has no discovery config, its
 * component has no encoder, or it cannot do this action (missing topic,
 * disabled payload, value out of range, template that fails).
 */
export function encodeAction(entity: Entity, action: Action): OutgoingMessage[] {
  const encoder = ENCODERS[entity.domain];
  if (!encoder) throw new UnsupportedActionError(entity.id, action.type, `hearth cannot command ${entity.domain} entities`);
  if (!entity.config) throw new UnsupportedActionError(entity.id, action.type, "it has no MQTT discovery config (fixtures-only entity)");
  return encoder(new EntityConfig(entity, action.type), action);
}

/** Topics of which at least one must be present for the component to take any command. */
const COMMAND_TOPICS: Partial<Record<Domain, string[]>> = {
  light: ["command_topic"],
  switch: ["command_topic"],
  fan: ["command_topic", "percentage_command_topic", "preset_mode_command_topic"],
  cover: ["command_topic", "set_position_topic", "tilt_command_topic"],
  climate: [
    "mode_command_topic", "temperature_command_topic", "temperature_low_command_topic",
    "temperature_high_command_topic", "power_command_topic", "preset_mode_command_topic",
  ],
  lock: ["command_topic"],
  scene: ["command_topic"],
  button: ["command_topic"],
  valve: ["command_topic"],
  number: ["command_topic"],
  select: ["command_topic"],
  alarm_control_panel: ["command_topic"],
  text: ["command_topic"],
  siren: ["command_topic"],
  vacuum: ["command_topic"],
  lawn_mower: ["start_mowing_command_topic", "pause_command_topic", "dock_command_topic"],
  humidifier: ["command_topic", "target_humidity_command_topic", "mode_command_topic"],
  water_heater: ["temperature_command_topic", "mode_command_topic", "power_command_topic"],
};

/** Config keys holding command templates besides the `*_command_template` family. */
const OTHER_COMMAND_TEMPLATES = ["command_template", "set_position_template", "command_on_template", "command_off_template", "tilt_command_template"];

export type CommandSupport = { ok: true } | { ok: false; reason: string };

/**
 * Whether hearth can command this entity: it needs a discovery config, a
 * component with an encoder, one of the component's command topics, and
 * command templates hearth's template engine can compile. The reason names the field.
 */
export function commandSupport(entity: Entity): CommandSupport {
  const topics = COMMAND_TOPICS[entity.domain];
  if (!topics) return { ok: false, reason: `${entity.domain} entities are state-only for hearth` };
  const config = entity.config;
  if (!config) return { ok: false, reason: "no MQTT discovery config (fixtures-only entity)" };
  if (!topics.some((t) => typeof config[t] === "string" && config[t] !== "")) {
    return { ok: false, reason: `no command topic (${topics.join(", ")}) in its discovery config` };
  }
  for (const [key, value] of Object.entries(config)) {
    if (!key.endsWith("_command_template") && !OTHER_COMMAND_TEMPLATES.includes(key)) continue;
    if (value === undefined || value === null) continue;
    if (typeof value !== "string") return { ok: false, reason: `${key} must be a string template, got ${JSON.stringify(value)}` };
    const problem = templateProblem(value);
    if (problem) return { ok: false, reason: `${key}: ${problem}` };
  }
  if (entity.domain === "light" && config.schema === "template") {
    for (const key of ["command_on_template", "command_off_template"]) {
      if (typeof config[key] !== "string") return { ok: false, reason: `a template-schema light needs ${key}` };
    }
  }
  return { ok: true };
}
