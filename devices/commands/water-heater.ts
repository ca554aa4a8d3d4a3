/**
 * MQTT water heater (HA `mqtt/water_heater.py`, a temperature-control entity
 * like the climate platform): the target temperature through
 * `temperature_command_template` on `temperature_command_topic` — without a
 * template Python's `str(float)`, `50.0` — within `min_temp`..`max_temp`
 * (HA's defaults 110..140 °F, 43.3..60 °C); an operation mode, which must be
 * one of `modes` (default eco, electric, gas, heat_pump, high_demand,
 * performance, off), through `mode_command_template` on `mode_command_topic`;
 * on/off as `payload_on`/`payload_off` through `power_command_template` on
 * `power_command_topic` (HA sends nothing without that topic; hearth says so).
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { pyFloatString, pyRound } from "./ha-math.ts";

/** HA's default operation list for an MQTT water heater. */
export const DEFAULT_WATER_HEATER_MODES = ["eco", "electric", "gas", "heat_pump", "high_demand", "performance", "off"];

function operationMode(config: EntityConfig, mode: string): OutgoingMessage {
  const modes = config.list("modes") ?? DEFAULT_WATER_HEATER_MODES;
  if (!modes.includes(mode)) throw config.unsupported(`operation mode ${JSON.stringify(mode)} is not one of ${modes.join(", ")}`);
  const topic = config.requireTopic("mode_command_topic", "change its operation mode");
  return config.message(topic, config.render("mode_command_template", mode));
}

function temperature(config: EntityConfig, requested: number): OutgoingMessage {
  if (!Number.isFinite(requested)) throw config.unsupported(`temperature ${requested} is not a number`);
  const fahrenheit = (config.string("temperature_unit") ?? "C").toUpperCase() === "F";
  // HA converts its 110..140 °F defaults to the entity's unit.
  const min = config.number("min_temp", fahrenheit ? 110 : ((110 - 32) * 5) / 9);
  const max = config.number("max_temp", fahrenheit ? 140 : 60);
  if (requested < min || requested > max) {
    throw config.unsupported(`temperature ${requested} is outside ${pyFloatString(pyRound(min, 1))}..${pyFloatString(pyRound(max, 1))} °${fahrenheit ? "F" : "C"}`);
  }
  const topic = config.requireTopic("temperature_command_topic", "set a temperature");
  const payload = config.string("temperature_command_template") === undefined ? pyFloatString(requested) : config.render("temperature_command_template", requested);
  return config.message(topic, payload);
}

/** @throws UnsupportedActionError for an out-of-range temperature, an unknown mode, a missing topic or another action. */
export function encodeWaterHeater(config: EntityConfig, action: Action): OutgoingMessage[] {
  switch (action.type) {
    case "set_temperature": {
      if (action.temperature === undefined) throw config.unsupported("a water heater takes one target temperature, not a range");
      return [temperature(config, action.temperature)];
    }
    case "set_operation_mode":
      return [operationMode(config, action.operation_mode)];
    case "turn_on":
    case "turn_off": {
      const topic = config.requireTopic("power_command_topic", action.type === "turn_on" ? "be turned on" : "be turned off");
      const payload = action.type === "turn_on" ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
      return [config.message(topic, config.render("power_command_template", payload))];
    }
    default:
      throw config.unsupported("a water heater can only set a temperature or an operation mode, or turn on/off");
  }
}
