/**
 * MQTT fan (HA `mqtt/fan.py`): on/off through `command_template`; speed as
 * `ceil(percentage_to_ranged_value((speed_range_min, speed_range_max), %))`
 * (defaults 1..100) through `percentage_command_template`; preset modes,
 * which must be in `preset_modes`, through `preset_mode_command_template`.
 * A turn_on with a `percentage` or `preset_mode` (HA's fan.turn_on, which
 * HassFanSetSpeed calls) publishes the on payload first, then the speed or
 * preset, as HA's MQTT fan does; a percentage of 0 adds nothing (HA tests
 * `if percentage`).
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { percentageToRangedValue } from "./ha-math.ts";
import { onOffTarget } from "./switch.ts";

/** @throws UnsupportedActionError when the fan lacks the topic, the range or the preset the action needs. */
export function encodeFan(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type === "set_percentage") return [percentageMessage(config, action.percentage)];
  if (action.type === "set_preset_mode") return [presetMessage(config, action.preset_mode)];
  const on = onOffTarget(config, action, "a fan");
  if (action.type === "turn_on" && (action.percentage !== undefined || action.preset_mode !== undefined)) {
    // Validate before anything is sent: HA's service layer refuses an unknown preset before turning on.
    const extra: OutgoingMessage[] = [];
    if (action.percentage) extra.push(percentageMessage(config, action.percentage));
    if (action.preset_mode !== undefined) extra.push(presetMessage(config, action.preset_mode));
    const topic = config.string("command_topic");
    return topic ? [config.message(topic, config.render("command_template", config.payload("payload_on", "ON") ?? "ON")), ...extra] : extra;
  }
  const topic = config.requireTopic("command_topic", "be switched");
  const payload = on ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
  return [config.message(topic, config.render("command_template", payload))];
}

function percentageMessage(config: EntityConfig, pct: number): OutgoingMessage {
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw config.unsupported(`speed ${pct} % is outside 0..100`);
  const topic = config.requireTopic("percentage_command_topic", "set its speed");
  const low = config.number("speed_range_min", 1);
  const high = config.number("speed_range_max", 100);
  if (low < 1 || high < low) throw config.unsupported(`speed range ${low}..${high} is invalid`);
  const speed = Math.ceil(percentageToRangedValue(low, high, pct));
  return config.message(topic, config.render("percentage_command_template", speed));
}

function presetMessage(config: EntityConfig, preset: string): OutgoingMessage {
  const presets = config.list("preset_modes") ?? [];
  if (!presets.includes(preset)) {
    throw config.unsupported(`preset ${JSON.stringify(preset)} is not one of ${presets.map((p) => JSON.stringify(p)).join(", ") || "(none)"}`);
  }
  const topic = config.requireTopic("preset_mode_command_topic", "set a preset mode");
  return config.message(topic, config.render("preset_mode_command_template", preset));
}
