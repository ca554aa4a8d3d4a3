/** MQTT scene (HA `mqtt/scene.py`): `payload_on` (default `ON`) on `command_topic`. */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** @throws UnsupportedActionError for anything but activate/turn_on. */
export function encodeScene(config: EntityConfig, action: Action): OutgoingMessage[] {
  if (action.type !== "activate" && action.type !== "turn_on") throw config.unsupported("a scene can only be activated");
  const topic = config.requireTopic("command_topic", "be activated");
  return [config.message(topic, config.payload("payload_on", "ON") ?? "ON")];
}
