/** MQTT button (HA `mqtt/button.py`): `payload_press` (default `PRESS`) through `command_template`. */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** @throws UnsupportedActionError for anything but press/turn_on. */
export function encodeButton(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type !== "press" && action.type !== "turn_on") throw config.unsupported("a button can only be pressed");
  const topic = config.requireTopic("command_topic", "be pressed");
  const payload = config.payload("payload_press", "PRESS") ?? "PRESS";
  return [config.message(topic, config.render("command_template", payload))];
}
