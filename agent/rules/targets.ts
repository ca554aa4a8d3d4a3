/**
 * Which registry entities a raw MQTT publish commands: those whose discovery
 * config names the topic as one of their command topics (`command_topic`,
 * `brightness_command_topic`, `set_position_topic`, ...), so that a manual command on
 * such an entity can suspend the rules that publish there.
 */
import type { EntityRegistry } from "../../devices/registry.ts";

/** Keys of an HA MQTT discovery config that hold a topic the entity is commanded on. */
function isCommandTopicKey(key: string): boolean {
  return key.endsWith("command_topic") || key === "set_position_topic";
}

/** Ids of the entities commanded through `topic` (exact match; published topics carry no wildcards). */
export function entitiesCommandedOn(registry: EntityRegistry, topic: string): string[] {
  const ids: string[] = [];
  for (const entity of registry.all()) {
    if (!entity.config) continue;
    if (Object.entries(entity.config).some(([key, value]) => isCommandTopicKey(key) && value === topic)) ids.push(entity.id);
  }
  return ids;
}
