/**
 * MQTT fan (HA `mqtt/fan.py`): on/off through `command_template`; speed as
 * `ceil(percentage_to_ranged_value((speed_range_min, speed_range_max), %))`
 * (defaults 1..100) through `percentage_command_template`; preset modes,
 * which must be in `preset_modes`, through `preset_mode_command_template`.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { percentageToRangedValue } from "./ha-math.ts";
import { onOffTarget } from "./switch.ts";

/** @throws UnsupportedActionError when the fan lacks the topic, the range or the preset the action needs. */
export function encodeFan(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type === "set_percentage") {
    const pct = action.percentage;
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw config.unsupported(`speed ${pct} % is outside 0..100`);
    const topic = config.requireTopic("percentage_command_topic", "set its speed");
    const low = config.number("speed_range_min", 1);
    const high = config.number("speed_range_max", 100);
    if (low < 1 || high < low) throw config.unsupported(`speed range ${low}..${high} is invalid`);
    const speed = Math.ceil(percentageToRangedValue(low, high, pct));
    return [config.message(topic, config.render("percentage_command_template", speed))];
  }
  if (action.type === "set_preset_mode") {
    const presets = config.list("preset_modes") ?? [];
    if (!presets.includes(action.preset_mode)) {
      throw config.unsupported(`preset ${JSON.stringify(action.preset_mode)} is not one of ${presets.map((p) => JSON.stringify(p)).join(", ") || "(none)"}`);
    }
    const topic = config.requireTopic("preset_mode_command_topic", "set a preset mode");
    return [config.message(topic, config.render("preset_mode_command_template", action.preset_mode))];
  }
  const on = onOffTarget(config, action, "a fan");
  const topic = config.requireTopic("command_topic", "be switched");
  const payload = on ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
  return [config.message(topic, config.render("command_template", payload))];
}
