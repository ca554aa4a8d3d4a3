/**
 * The publish guard: which topics hearth may publish to, and which publishes
 * need the user's "yes" first. Every rule is in one function,
 * `judgePublish`; the `PublishGuard` class only keeps what it needs to know
 * (the registry's command topics, the configured topics, the `confirm` list).
 *
 * Rules, whatever a discovery payload says:
 * - never a topic that is empty, holds a wildcard (`+`, `#`), NUL or another
 *   control character, or starts with `$` (`$SYS/...`);
 * - an entity's command goes only to one of that entity's own command topics,
 *   never under the discovery prefix (a command could delete or forge a
 *   device's config) nor under `hearth/` (hearth's own topics or another
 *   agent's: a "switch" on `hearth/other/text` would make that agent act);
 * - a configured action (custom intent, rule) goes to a topic the config
 *   names, never under the discovery prefix, another agent's `hearth/` topics
 *   or hearth's own text input (a loop); hearth's own other topics are fine
 *   (the intent event of a custom intent);
 * - hearth's own code paths (state, events, announcements) publish to
 *   `hearth/<id>/...` except its text input, and to its own discovery config;
 * - a topic that is a command topic of a sensitive entity (a lock, an alarm
 *   panel, a garage door or gate cover, anything the `confirm` list names)
 *   needs the confirmation turn when anything else is commanded there: a
 *   "porch light" whose command topic is the front door lock's asks first.
 *   The sensitive entity's own commands are judged by their action
 *   (`isSensitive`: unlocking asks, locking does not).
 */
import { encodeAction } from "../../devices/commands/encode.ts";
import type { Entity } from "../../devices/entity.ts";
import { idMatcher } from "../../devices/exposure.ts";
import { topicProblem } from "../../devices/mqtt/topic.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import type { Target, Understanding } from "../controller/types.ts";
import { logger } from "../log.ts";

const log = logger("act/publish-guard");

/** Discovery keys that name a topic the device listens on (HA also uses `set_position_topic` for covers). */
const COMMAND_TOPIC_KEY = /(command_topic|set_position_topic)$/;

/** Who wants to publish. */
export type PublishSource =
  /** An encoded command for this entity (text, voice, rules and custom intents that name an entity). */
  | { kind: "entity"; entity: Pick<Entity, "id" | "config"> }
  /** A raw message from the config: a custom intent's or a rule's `mqtt` action. */
  | { kind: "configured" }
  /** hearth's own code paths: state, events, its discovery announcement. */
  | { kind: "own" };

/** What `judgePublish` needs to know about the home. */
export interface GuardContext {
  discoveryPrefix: string;
  /** hearth's agent id; absent where only entity commands are judged (at discovery). */
  agentId?: string;
  /** Topics the config names for raw messages. */
  configured?: ReadonlySet<string>;
  /** Sensitive entities (see `isSensitiveEntity`) that have `topic` as a command topic. */
  sensitiveOn?: (topic: string) => readonly Pick<Entity, "id" | "name">[];
  /** Entities the config's `confirm` list names. */
  confirmListed?: (entityId: string) => boolean;
}

export type Verdict =
  | { allowed: false; reason: string }
  /** `confirm`: why the user must say yes first (names the sensitive entity). */
  | { allowed: true; reason: string; confirm?: string };

/** The command topics in a discovery config (`command_topic`, `brightness_command_topic`, `set_position_topic`, ...). */
export function commandTopics(config: Record<string, unknown> | undefined): string[] {
  if (!config) return [];
  const topics: string[] = [];
  for (const [key, value] of Object.entries(config)) if (COMMAND_TOPIC_KEY.test(key) && typeof value === "string") topics.push(value);
  return topics;
}

/** A lock, an alarm panel, a garage door or gate: commands there need the confirmation turn. */
export function isSensitiveEntity(entity: Pick<Entity, "domain" | "device_class">): boolean {
  return entity.domain === "lock" || entity.domain === "alarm_control_panel" ||
    (entity.domain === "cover" && (entity.device_class === "garage" || entity.device_class === "gate"));
}

/** May `source` publish to `topic`, and must the user confirm first? The only place these rules live. */
export function judgePublish(topic: string, source: PublishSource, context: GuardContext): Verdict {
  const problem = topicProblem(topic, "publish");
  if (problem) return { allowed: false, reason: problem };
  if (topic.startsWith("$")) return { allowed: false, reason: "topics starting with $ belong to the broker" };
  const own = context.agentId === undefined ? undefined : `hearth/${context.agentId}/`;
  const ownText = own && `${own}text`;
  const underDiscovery = topic.startsWith(`${context.discoveryPrefix}/`);
  if (source.kind === "own") {
    if (own && topic.startsWith(own) && topic !== ownText) return { allowed: true, reason: "own topic" };
    if (underDiscovery && context.agentId !== undefined && topic === `${context.discoveryPrefix}/device/${context.agentId}/config`) return { allowed: true, reason: "own discovery" };
    return { allowed: false, reason: "not one of hearth's own topics" };
  }
  if (underDiscovery) return { allowed: false, reason: `under the discovery prefix ${context.discoveryPrefix}/` };
  if (topic === ownText) return { allowed: false, reason: "hearth's own text input (it would command itself)" };
  if (source.kind === "configured") {
    if (own && topic.startsWith(own)) return { allowed: true, reason: "own topic" };
    if (topic.startsWith("hearth/")) return { allowed: false, reason: "another hearth agent's topic" };
    if (!context.configured?.has(topic)) return { allowed: false, reason: "not a topic the config names" };
    return withConfirmation({ allowed: true, reason: "configured action" }, topic, undefined, context);
  }
  if (topic.startsWith("hearth/")) return { allowed: false, reason: "a hearth agent's topic, not a device's" };
  if (!commandTopics(source.entity.config).includes(topic)) return { allowed: false, reason: `not a command topic of ${source.entity.id}` };
  const verdict: Verdict = { allowed: true, reason: `command topic of ${source.entity.id}` };
  if (context.confirmListed?.(source.entity.id)) return { ...verdict, confirm: `${source.entity.id} is on the confirm list` };
  return withConfirmation(verdict, topic, source.entity.id, context);
}

function withConfirmation(verdict: Verdict & { allowed: true }, topic: string, commanded: string | undefined, context: GuardContext): Verdict {
  const others = (context.sensitiveOn?.(topic) ?? []).filter((e) => e.id !== commanded);
  return others.length ? { ...verdict, confirm: `this also commands ${others.map((e) => e.name).join(", ")} (same command topic ${topic})` } : verdict;
}

/**
 * The guard as the agent uses it: `judgePublish` over the live registry, with
 * an index of command topics rebuilt when entities are added or removed.
 */
export class PublishGuard {
  private readonly configured = new Set<string>();
  private readonly confirmListed: (entityId: string) => boolean;
  private indexVersion = -1;
  private sensitiveByTopic = new Map<string, Entity[]>();
  private readonly sharedLogged = new Set<string>();
  private sharedCount = 0;

  /** @param confirm entity ids or globs (config `homeassistant.confirm`) whose command topics need the confirmation turn. */
  constructor(
    private readonly registry: EntityRegistry,
    private readonly agentId: string,
    private readonly discoveryPrefix: string,
    confirm: readonly string[] = [],
  ) {
    this.confirmListed = idMatcher(confirm);
  }

  /** Allow a topic written in the configuration (a custom intent's or a rule's MQTT action). */
  allowConfigured(topic: string): void {
    this.configured.add(topic);
  }

  /** The verdict on one message, with the live registry. */
  judge(topic: string, source: PublishSource): Verdict {
    this.refresh();
    return judgePublish(topic, source, {
      discoveryPrefix: this.discoveryPrefix,
      agentId: this.agentId,
      configured: this.configured,
      sensitiveOn: (t) => this.sensitiveByTopic.get(t) ?? [],
      confirmListed: this.confirmListed,
    });
  }

  /**
   * The understanding with a confirmation question added when any message it
   * would send lands on a sensitive entity's command topic, or targets a
   * config entity (a setting changed by name: "press factory reset"). Called
   * for every input path (text, voice, rules, custom intents) before the
   * controller acts; a question already asked (unlock, disarm) is kept.
   */
  confirmationFor(understanding: Understanding): Understanding {
    if ((understanding.kind !== "act" && understanding.kind !== "custom") || understanding.confirmation) return understanding;
    const reasons: string[] = [];
    if (understanding.kind === "act") {
      // "Turn everything on/off" never asks: a target that would need a yes is left out (resolver.ts
      // EVERYDAY_DOMAINS), also one that only shares a lock's command topic, so a "yes" to a vague
      // question can never unlock a door.
      const everything = understanding.slots.everything === true;
      const kept: typeof understanding.targets = [];
      for (const target of understanding.targets) {
        const own = this.targetReasons(target);
        if (everything && own.length > 0) {
          log.info({ entity: target.entity.id, reasons: own }, "left out of 'everything': it would need a confirmation");
          continue;
        }
        kept.push(target);
        for (const reason of own) if (!reasons.includes(reason)) reasons.push(reason);
      }
      if (everything && kept.length < understanding.targets.length) {
        if (kept.length === 0) return { kind: "error", intent: understanding.intent, slots: understanding.slots, response: "Sorry, I won't switch those without being asked for each by name.", error: "every target of 'everything' needs a confirmation" };
        return { ...understanding, targets: kept };
      }
    } else {
      for (const message of understanding.messages) {
        const verdict = this.judge(message.topic, { kind: "configured" });
        if (verdict.allowed && verdict.confirm) reasons.push(verdict.confirm);
      }
    }
    if (!reasons.length) return understanding;
    log.info({ intent: understanding.intent, reasons }, "asking for confirmation");
    return { ...understanding, confirmation: `Are you sure? ${capitalise(reasons[0]!)}.` };
  }

  /** Why commanding one target needs a yes (a config entity, a sensitive entity's command topic), if it does. */
  private targetReasons({ entity, action }: Target): string[] {
    const reasons: string[] = [];
    if (entity.category === "config") reasons.push(`${entity.name} is a configuration setting`);
    let topics: string[];
    try {
      topics = encodeAction(entity, action).map((m) => m.topic);
    } catch {
      topics = commandTopics(entity.config);
    }
    for (const topic of topics) {
      const verdict = this.judge(topic, { kind: "entity", entity });
      if (verdict.allowed && verdict.confirm && !reasons.includes(verdict.confirm)) reasons.push(verdict.confirm);
    }
    return reasons;
  }

  /** Rebuild the topic index after entities were added or removed; log shared command topics once. */
  private refresh(): void {
    if (this.indexVersion === this.registry.structureVersion) return;
    this.indexVersion = this.registry.structureVersion;
    const byTopic = new Map<string, Entity[]>();
    for (const entity of this.registry.all()) {
      for (const topic of new Set(commandTopics(entity.config))) {
        const list = byTopic.get(topic);
        if (list) list.push(entity);
        else byTopic.set(topic, [entity]);
      }
    }
    this.sensitiveByTopic = new Map();
    let shared = 0;
    for (const [topic, entities] of byTopic) {
      const sensitive = entities.filter((e) => isSensitiveEntity(e) || this.confirmListed(e.id));
      if (sensitive.length) this.sensitiveByTopic.set(topic, sensitive);
      if (entities.length < 2) continue;
      shared++;
      if (this.sharedLogged.has(topic)) continue;
      this.sharedLogged.add(topic);
      // Zigbee2MQTT devices share `<device>/set` among their features (normal); sharing with a lock is the attack.
      if (sensitive.length) log.warn({ topic, entities: entities.map((e) => e.id) }, "entities share the command topic of a sensitive entity: commands there need confirmation");
      else log.debug({ topic, entities: entities.map((e) => e.id) }, "entities share a command topic");
    }
    if (shared !== this.sharedCount) log.info({ topics: shared }, "command topics shared by several entities");
    this.sharedCount = shared;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
