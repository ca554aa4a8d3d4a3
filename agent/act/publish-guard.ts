/**
 * The only topics hearth may publish to: its own topics under
 * `hearth/<agent_id>/`, the discovery topics of its own announcements, the
 * command topics of entities in the registry, and topics named in the config
 * (custom intent and rule actions). No text or voice input can widen this set,
 * because the topic of every message comes from one of these sources.
 */
import type { Entity } from "../../devices/entity.ts";
import type { EntityRegistry } from "../../devices/registry.ts";

/** Discovery keys that name a topic the device listens on (HA also uses `set_position_topic` for covers). */
const COMMAND_TOPIC_KEY = /(command_topic|set_position_topic)$/;

export class PublishGuard {
  private readonly configured = new Set<string>();

  constructor(
    private readonly registry: EntityRegistry,
    private readonly agentId: string,
    private readonly discoveryPrefix: string,
  ) {}

  /** Allow a topic written in the configuration (a custom intent's or a rule's MQTT action). */
  allowConfigured(topic: string): void {
    this.configured.add(topic);
  }

  /** Why `topic` may be published to, or undefined when it may not. */
  reason(topic: string): string | undefined {
    // hearth never writes to its own input: an entity whose command topic is the text topic would loop forever.
    if (topic === `hearth/${this.agentId}/text`) return undefined;
    if (topic.startsWith(`hearth/${this.agentId}/`)) return "own topic";
    if (topic.startsWith(`${this.discoveryPrefix}/`) && topic.includes(`/${this.agentId}`) && topic.endsWith("/config")) return "own discovery";
    if (this.configured.has(topic)) return "configured action";
    for (const entity of this.registry.all()) {
      if (entity.readOnly || !entity.config) continue;
      for (const [key, value] of Object.entries(entity.config)) {
        if (COMMAND_TOPIC_KEY.test(key) && value === topic) return `command topic of ${entity.id}`;
      }
    }
    return undefined;
  }

  /**
   * The sensitive entity (a lock, an alarm panel, a garage door or gate) that
   * listens on `topic`, if any: a raw message there (a custom intent's or a
   * rule's MQTT action) could unlock or open it, so it needs the same
   * confirmation as "unlock the front door".
   */
  sensitiveEntityFor(topic: string): Entity | undefined {
    for (const entity of this.registry.all()) {
      if (entity.readOnly || !entity.config) continue;
      const sensitive = entity.domain === "lock" || entity.domain === "alarm_control_panel" ||
        (entity.domain === "cover" && (entity.device_class === "garage" || entity.device_class === "gate"));
      if (!sensitive) continue;
      for (const [key, value] of Object.entries(entity.config)) if (COMMAND_TOPIC_KEY.test(key) && value === topic) return entity;
    }
    return undefined;
  }

  allows(topic: string): boolean {
    return this.reason(topic) !== undefined;
  }
}
