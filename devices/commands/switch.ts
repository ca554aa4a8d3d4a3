/**
 * MQTT switch (HA `mqtt/switch.py`): `payload_on`/`payload_off` (default
 * `ON`/`OFF`) through the optional `command_template` on `command_topic`.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** Shared by switch-like components: the on or off payload a turn_on/turn_off/toggle publishes. */
export function onOffTarget(config: EntityConfig, action: Action, what: string): boolean {
  switch (action.type) {
    case "turn_on":
      return true;
    case "turn_off":
      return false;
    case "toggle":
      return config.entity.state !== "on";
    default:
      throw config.unsupported(`${what} can only turn on, turn off or toggle`);
  }
}

/** @throws UnsupportedActionError for actions other than turn_on/turn_off/toggle, or without command_topic. */
export function encodeSwitch(config: EntityConfig, action: Action): OutgoingMessage[] {
  const on = onOffTarget(config, action, "a switch");
  const topic = config.requireTopic("command_topic", "be switched");
  const payload = on ? (config.payload("payload_on", "ON") ?? "ON") : (config.payload("payload_off", "OFF") ?? "OFF");
  return [config.message(topic, config.render("command_template", payload))];
}
