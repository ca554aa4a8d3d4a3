/**
 * MQTT lawn mower (HA `mqtt/lawn_mower.py`): one topic per command —
 * `start_mowing_command_topic`, `pause_command_topic`, `dock_command_topic` —
 * each with its own `*_command_template`, rendered with the command's own
 * name as `value` (`start_mowing`, `pause`, `dock`; without a template that
 * name is the payload). A command whose topic is absent is not supported.
 * (What HA assumes after a command when the mower is optimistic is in
 * optimistic.ts.)
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";

const COMMANDS: Partial<Record<Action["type"], { option: "start_mowing" | "pause" | "dock"; what: string }>> = {
  start_mowing: { option: "start_mowing", what: "start mowing" },
  pause: { option: "pause", what: "pause" },
  dock: { option: "dock", what: "dock" },
};

/** @throws UnsupportedActionError when the mower has no topic for the command, or for other actions. */
export function encodeLawnMower(config: EntityConfig, action: Action): OutgoingMessage[] {
  const command = COMMANDS[action.type];
  if (!command) throw config.unsupported("a lawn mower can only start mowing, pause or dock");
  const topic = config.requireTopic(`${command.option}_command_topic`, command.what);
  return [config.message(topic, config.render(`${command.option}_command_template`, command.option))];
}

