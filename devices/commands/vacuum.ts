/**
 * MQTT vacuum (HA `mqtt/vacuum.py`, the state schema — the legacy schema is
 * gone from HA since 2024.2 and refused at discovery): each command is a
 * fixed payload on `command_topic`, with no template — `payload_start`
 * (default `start`), `payload_pause` (`pause`), `payload_stop` (`stop`),
 * `payload_return_to_base` (`return_to_base`). A command is only sent when
 * its feature is in `supported_features` (default start, stop, return_home,
 * battery, clean_spot), as HA's vacuum services require. The vacuum is never
 * optimistic: its state comes from the JSON on `state_topic`.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

/** HA's default `supported_features` for an MQTT vacuum. */
export const DEFAULT_VACUUM_FEATURES = ["start", "stop", "return_home", "battery", "clean_spot"];

const COMMANDS: Partial<Record<Action["type"], { feature: string; key: string; fallback: string; what: string }>> = {
  start: { feature: "start", key: "payload_start", fallback: "start", what: "start cleaning" },
  pause: { feature: "pause", key: "payload_pause", fallback: "pause", what: "pause" },
  stop: { feature: "stop", key: "payload_stop", fallback: "stop", what: "stop" },
  return_to_base: { feature: "return_home", key: "payload_return_to_base", fallback: "return_to_base", what: "return to its base" },
};

/** @throws UnsupportedActionError when the vacuum lacks the command topic or the feature, or for other actions. */
export function encodeVacuum(config: EntityConfig, action: Action): OutgoingMessage[] {
  const command = COMMANDS[action.type];
  if (!command) throw config.unsupported("a vacuum can only start, pause, stop or return to its base");
  const features = config.list("supported_features") ?? DEFAULT_VACUUM_FEATURES;
  if (!features.includes(command.feature)) {
    throw config.unsupported(`"${command.feature}" is not in its supported_features (${features.join(", ") || "none"}), so it cannot ${command.what}`);
  }
  const topic = config.requireTopic("command_topic", command.what);
  return [config.message(topic, config.payload(command.key, command.fallback) ?? command.fallback)];
}
