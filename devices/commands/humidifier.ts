/**
 * MQTT humidifier (HA `mqtt/humidifier.py` and the humidifier service
 * layer): on/off as `payload_on`/`payload_off` (default `ON`/`OFF`) through
 * `command_template` on `command_topic`; the target humidity (a whole
 * percentage, HA's `vol.Coerce(int)`, within `min_humidity`..`max_humidity`,
 * default 0..100) through `target_humidity_command_template` on
 * `target_humidity_command_topic`; a mode, which must be one of `modes`,
 * through `mode_command_template` on `mode_command_topic`. With
 * `turn_on_first` (HA's humidifier intents, for a humidifier that is off)
 * the on payload goes first.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { onOffTarget } from "./switch.ts";

function power(config: EntityConfig, on: boolean): OutgoingMessage {
  const topic = config.requireTopic("command_topic", "be switched");
  const payload = on ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
  return config.message(topic, config.render("command_template", payload));
}

/** @throws UnsupportedActionError for a humidity out of range, an unknown mode, a missing topic or another action. */
export function encodeHumidifier(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type === "set_humidity") {
    const humidity = Math.trunc(action.humidity);
    const min = config.number("min_humidity", 0);
    const max = config.number("max_humidity", 100);
    if (!Number.isFinite(action.humidity) || humidity < min || humidity > max) {
      throw config.unsupported(`humidity ${action.humidity} % is outside ${min}..${max} %`);
    }
    const topic = config.requireTopic("target_humidity_command_topic", "set a target humidity");
    const message = config.message(topic, config.render("target_humidity_command_template", humidity));
    return action.turn_on_first ? [power(config, true), message] : [message];
  }
  if (action.type === "set_mode") {
    const modes = config.list("modes") ?? [];
    if (!modes.includes(action.mode)) {
      throw config.unsupported(`mode ${JSON.stringify(action.mode)} is not one of ${modes.map((m) => JSON.stringify(m)).join(", ") || "(none)"}`);
    }
    const topic = config.requireTopic("mode_command_topic", "change its mode");
    const message = config.message(topic, config.render("mode_command_template", action.mode));
    return action.turn_on_first ? [power(config, true), message] : [message];
  }
  return [power(config, onOffTarget(config, action, "a humidifier"))];
}
