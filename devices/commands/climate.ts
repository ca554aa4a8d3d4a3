/**
 * MQTT climate (HA `mqtt/climate.py` and the ClimateEntity service layer):
 * HVAC mode on `mode_command_topic` (must be one of `modes`, default
 * auto/off/cool/heat/dry/fan_only); target temperature on
 * `temperature_command_topic`, or a range on `temperature_low_command_topic`
 * / `temperature_high_command_topic`, each through its `*_command_template`;
 * `power_command_topic` with `payload_on`/`payload_off` for turn on/off, else
 * HA's fallback to an HVAC mode. Temperatures outside `min_temp`..`max_temp`
 * (defaults 7..35 °C, 44.6..95 °F) are refused, as HA refuses them. Without a
 * template the payload is Python's `str(float)`: `21.0`, `21.5`.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { pyFloatString, pyRound } from "./ha-math.ts";

const DEFAULT_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"];

function modes(config: EntityConfig): string[] {
  return config.list("modes") ?? DEFAULT_MODES;
}

function setHvacMode(config: EntityConfig, mode: string): OutgoingMessage {
  const available = modes(config);
  if (!available.includes(mode)) throw config.unsupported(`HVAC mode ${JSON.stringify(mode)} is not one of ${available.join(", ")}`);
  const topic = config.requireTopic("mode_command_topic", "change its HVAC mode");
  return config.message(topic, config.render("mode_command_template", mode));
}

/**
 * Snap to `temp_step` (default 1, HA's UI step) — a spoken "21.3" must become
 * a value the device accepts — then check the range.
 */
function targetTemperature(config: EntityConfig, requested: number): number {
  if (!Number.isFinite(requested)) throw config.unsupported(`temperature ${requested} is not a number`);
  const fahrenheit = (config.string("temperature_unit") ?? "C").toUpperCase() === "F";
  const step = config.number("temp_step", 1);
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  const snapped = step > 0 ? pyRound(pyRound(requested / step) * step, decimals) : requested;
  const min = config.number("min_temp", fahrenheit ? 44.6 : 7);
  const max = config.number("max_temp", fahrenheit ? 95 : 35);
  if (snapped < min || snapped > max) {
    throw config.unsupported(`temperature ${requested} is outside ${pyFloatString(min)}..${pyFloatString(max)} °${fahrenheit ? "F" : "C"}`);
  }
  return snapped;
}

function temperatureMessage(config: EntityConfig, prefix: string, requested: number): OutgoingMessage {
  const topic = config.requireTopic(`${prefix}_command_topic`, "set that temperature");
  const value = targetTemperature(config, requested);
  const templateKey = `${prefix}_command_template`;
  const payload = config.string(templateKey) === undefined ? pyFloatString(value) : config.render(templateKey, value);
  return config.message(topic, payload);
}

/** @throws UnsupportedActionError when the thermostat lacks the topic or mode, or the value is out of range. */
export function encodeClimate(config: EntityConfig, action: Action): OutgoingMessage[] {
  switch (action.type) {
    case "set_hvac_mode":
      return [setHvacMode(config, action.hvac_mode)];
    case "set_temperature": {
      const { temperature, target_temp_low: low, target_temp_high: high } = action;
      if (temperature === undefined && low === undefined && high === undefined) {
        throw config.unsupported("no temperature given");
      }
      if (low !== undefined && high !== undefined && low > high) {
        throw config.unsupported(`low temperature ${low} is above high temperature ${high}`);
      }
      const messages: OutgoingMessage[] = [];
      if (action.hvac_mode !== undefined) messages.push(setHvacMode(config, action.hvac_mode));
      if (temperature !== undefined) messages.push(temperatureMessage(config, "temperature", temperature));
      if (low !== undefined) messages.push(temperatureMessage(config, "temperature_low", low));
      if (high !== undefined) messages.push(temperatureMessage(config, "temperature_high", high));
      return messages;
    }
    case "set_preset_mode": {
      const presets = config.list("preset_modes") ?? [];
      if (!presets.includes(action.preset_mode)) {
        throw config.unsupported(`preset ${JSON.stringify(action.preset_mode)} is not one of ${presets.join(", ") || "(none)"}`);
      }
      const topic = config.requireTopic("preset_mode_command_topic", "set a preset");
      return [config.message(topic, config.render("preset_mode_command_template", action.preset_mode))];
    }
    case "turn_on":
    case "turn_off": {
      const on = action.type === "turn_on";
      const powerTopic = config.string("power_command_topic");
      if (powerTopic) {
        const payload = on ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
        return [config.message(powerTopic, config.render("power_command_template", payload))];
      }
      const available = modes(config);
      if (!on) {
        if (!available.includes("off")) throw config.unsupported("it has neither a power_command_topic nor an off mode");
        return [setHvacMode(config, "off")];
      }
      // HA ClimateEntity.async_turn_on: the only other mode when there are two, else heat_cool, heat, cool.
      const onMode = available.length === 2 && available.includes("off")
        ? available.find((m) => m !== "off")
        : ["heat_cool", "heat", "cool"].find((m) => available.includes(m));
      if (!onMode) throw config.unsupported("it has no power_command_topic and no heat_cool, heat or cool mode");
      return [setHvacMode(config, onMode)];
    }
    default:
      throw config.unsupported("a thermostat can only set a temperature, an HVAC mode, a preset, or turn on/off");
  }
}
