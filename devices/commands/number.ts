/**
 * MQTT number (HA `mqtt/number.py`): the value, within `min` (default 1) and
 * `max` (default 100), through `command_template`; a whole value is sent as
 * an integer (`5`, not `5.0`), as HA does.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { pyFloatString } from "./ha-math.ts";

/** @throws UnsupportedActionError for other actions or a value outside min..max. */
export function encodeNumber(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type !== "set_value") throw config.unsupported("a number can only be set to a value");
  const min = config.number("min", 1);
  const max = config.number("max", 100);
  const value = typeof action.value === "number" ? action.value : action.value.trim() === "" ? NaN : Number(action.value);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw config.unsupported(`value ${value} is outside ${pyFloatString(min)}..${pyFloatString(max)}`);
  }
  const topic = config.requireTopic("command_topic", "be set");
  // HA sends int(value) when whole: a JS number prints that way already.
  return [config.message(topic, config.render("command_template", value))];
}
