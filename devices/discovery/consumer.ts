/**
 * The Home Assistant MQTT discovery consumer: subscribes to `<prefix>/#`,
 * turns discovery configs into registry entities (add, replace on update,
 * remove on an empty retained payload), subscribes to their state and
 * availability topics and writes HA-style state into the registry.
 *
 * Bad input never escapes: a payload that is malformed, oversized, not UTF-8,
 * too deeply nested, of an unsupported component, or with a template that does
 * not compile is logged once per topic (and emitted as a `warning` event) and
 * skipped; other entities are untouched. A config that reuses the unique_id of
 * an entity of the same component is ignored, as HA ignores it.
 */
import { EventEmitter } from "node:events";
import type { Config } from "../../agent/config/schema.ts";
import { logger } from "../../agent/log.ts";
import type { IncomingMessage, MqttSession } from "../mqtt/session.ts";
import { ExposurePolicy } from "../exposure.ts";
import type { EntityRegistry } from "../registry.ts";
import { decodeUtf8 } from "../safe-json.ts";
import { TemplateBudgetError } from "../template.ts";
import type { AvailabilityTracker } from "./availability.ts";
import { buildEntity } from "./entity-builder.ts";
import { DEFAULT_MAX_TOPIC_LEVELS, readDiscoveryMessage, type ComponentConfig } from "./message.ts";
import { stateBindings, type StateBinding } from "./state.ts";

const log = logger("devices/discovery");

/** What the consumer needs from the MQTT session. */
export type MessageSource = Pick<MqttSession, "subscribe">;

export interface DiscoveryWarning {
  topic: string;
  reason: string;
  entityId?: string;
  /** What went wrong (`payload`, `component`, `unique_id`, `template`, `guard`, `cap`): each is warned once per topic. */
  kind: string;
}

export interface ConsumerEvents {
  /** A discovery or state message was skipped, or a template does not compile (once per topic). */
  warning: [warning: DiscoveryWarning];
  /** An entity was added, replaced by a new config, or removed. */
  entity: [entityId: string, change: "added" | "updated" | "removed"];
}

interface Tracked {
  entityId: string;
  deviceKey?: string;
  /** `<component> <unique_id>` when the config has a unique_id. */
  uniqueKey?: string;
  /** The config as received, to ignore unchanged re-publications (HA does the same). */
  signature: string;
  release: (() => void)[];
  availability?: AvailabilityTracker;
}

interface TopicRoute {
  handlers: Set<(message: IncomingMessage) => void>;
  last?: IncomingMessage;
  unsubscribe: () => void;
}

/** Most topics the consumer remembers having warned about (bounds memory under a flood of junk topics). */
const MAX_WARNED_TOPICS = 10_000;

export class DiscoveryConsumer extends EventEmitter<ConsumerEvents> {
  private readonly tracked = new Map<string, Tracked>();
  private readonly routes = new Map<string, TopicRoute>();
  private readonly warned = new Set<string>();
  /** `<component> <unique_id>` → discovery key of the config that holds it. */
  private readonly uniqueIds = new Map<string, string>();
  private stopDiscovery?: () => void;

  private readonly ignored: Set<string>;
  private readonly exposure: ExposurePolicy;
  /** True once the cap warning was given; cleared when the home shrinks below the cap again. */
  private atCap = false;

  /**
   * @param options.ignoreTopics discovery topics to leave alone, e.g. hearth's own announcement
   *   (`DiscoveryProducer.topic`), so the agent does not list or command itself.
   */
  constructor(
    private readonly source: MessageSource,
    private readonly registry: EntityRegistry,
    private readonly config: Pick<Config, "homeassistant" | "entities">,
    options: { ignoreTopics?: string[] } = {},
  ) {
    super();
    this.ignored = new Set(options.ignoreTopics ?? []);
    this.exposure = new ExposurePolicy(config.homeassistant.exposure);
  }

  /** Subscribe to `<prefix>/#`; retained configs arrive right away. */
  start(): void {
    if (this.stopDiscovery) return;
    const prefix = this.config.homeassistant.discovery_prefix;
    // QoS 0 like HA: a broker limits queued QoS 1 messages per client (mosquitto: 1000), which
    // would drop retained configs of a large home at subscribe time. In bulk: a large home's tens
    // of thousands of retained configs and states must not hold up typed commands or the keepalive.
    this.stopDiscovery = this.source.subscribe(`${prefix}/#`, (message) => this.onDiscovery(message), { qos: 0, bulk: true });
  }

  /** Unsubscribe everything and remove the discovered entities from the registry. */
  stop(): void {
    this.stopDiscovery?.();
    this.stopDiscovery = undefined;
    for (const key of [...this.tracked.keys()]) this.remove(key);
  }

  /** Number of discovered entities. */
  get size(): number {
    return this.tracked.size;
  }

  /** Log and emit once per `topic` (and `kind`, so a template problem is not hidden by an earlier JSON one). */
  private warn(topic: string, reason: string, entityId?: string, kind = "payload"): void {
    const key = `${kind} ${topic}`;
    if (this.warned.has(key)) return;
    if (this.warned.size >= MAX_WARNED_TOPICS) this.warned.clear();
    this.warned.add(key);
    log.warn({ topic, entityId }, `skipped: ${reason}`);
    this.emit("warning", { topic, reason, entityId, kind });
  }

  private onDiscovery({ topic, payload }: IncomingMessage): void {
    if (this.ignored.has(topic)) return;
    const { discovery_prefix: prefix, max_payload_bytes: maxBytes, max_topic_levels: maxLevels } = this.config.homeassistant;
    const message = readDiscoveryMessage(topic, payload, prefix, maxBytes, { maxLevels: maxLevels ?? DEFAULT_MAX_TOPIC_LEVELS });
    switch (message.kind) {
      case "ignored":
        return;
      case "invalid":
        // One warning per component hearth does not read (Zigbee2MQTT announces ~1,600 `update` entities), not per topic.
        if (message.unsupported) this.warn(`${prefix}/${message.unsupported}`, `${message.reason} (hearth does not read this component; further ones are skipped silently)`, undefined, "component");
        else this.warn(topic, message.reason);
        return;
      case "device-removed":
        for (const [key, t] of [...this.tracked]) if (t.deviceKey === message.deviceKey) this.remove(key);
        return;
      case "configs":
        for (const c of message.configs) {
          if (c.error) this.warn(`${topic}#${c.objectId}`, c.error);
          else if (c.config === null) this.remove(c.key);
          else this.upsert(c as ComponentConfig & { config: Record<string, unknown> });
        }
    }
  }

  private upsert(discovered: ComponentConfig & { config: Record<string, unknown> }): void {
    const signature = JSON.stringify(discovered.config);
    const previous = this.tracked.get(discovered.key);
    if (previous?.signature === signature) return;
    const cap = this.config.homeassistant.max_entities;
    if (!previous && this.tracked.size >= cap) {
      if (!this.atCap) {
        const reason = `homeassistant.max_entities (${cap}) reached: this and further new discovery configs are refused until entities are removed`;
        log.warn({ topic: discovered.topic }, reason);
        this.emit("warning", { topic: discovered.topic, reason, kind: "cap" });
      }
      this.atCap = true;
      return;
    }
    // HA keeps the first entity of a platform with a given unique_id and ignores later ones
    // ("does not generate unique IDs ... already exists - ignoring"): a stale or forged config
    // must not add a second, same-named entity that makes every command ambiguous.
    const uniqueKey = discovered.config.unique_id === undefined ? undefined : `${discovered.component} ${String(discovered.config.unique_id)}`;
    const owner = uniqueKey === undefined ? undefined : this.uniqueIds.get(uniqueKey);
    if (owner !== undefined && owner !== discovered.key) {
      const holder = this.tracked.get(owner)?.entityId;
      this.warn(discovered.topic, `unique_id ${JSON.stringify(String(discovered.config.unique_id))} already belongs to ${holder}; ignored, as Home Assistant does`, holder, "unique_id");
      return;
    }
    if (previous) {
      if (previous.uniqueKey !== undefined) this.uniqueIds.delete(previous.uniqueKey);
      // Free the old id so the new config can take it; its topic routes are released only after
      // the new ones exist, so shared subscriptions (and their last messages) are kept.
      this.tracked.delete(discovered.key);
      this.registry.remove(previous.entityId);
    }

    const built = buildEntity(discovered, {
      taken: (id) => this.registry.get(id) !== undefined,
      overrides: this.config.entities,
      registry: this.registry,
      discoveryPrefix: this.config.homeassistant.discovery_prefix,
      exposure: this.exposure,
    });
    const { entity } = built;
    if (built.templateErrors.length > 0) {
      this.warn(discovered.topic, `template cannot be compiled, kept read-only: ${built.templateErrors.join("; ")}`, entity.id, "template");
    } else if (entity.readOnlyReason?.includes("refused by the publish guard")) {
      this.warn(discovered.topic, `kept read-only: ${entity.readOnlyReason}`, entity.id, "guard");
    }
    const tracked: Tracked = { entityId: entity.id, deviceKey: discovered.deviceKey, uniqueKey, signature, release: [], availability: built.availability };
    this.tracked.set(discovered.key, tracked);
    if (uniqueKey !== undefined) this.uniqueIds.set(uniqueKey, discovered.key);
    this.registry.upsert(entity);
    this.emit("entity", entity.id, previous ? "updated" : "added");
    if (entity.disabled) {
      // HA creates it disabled: no state and no availability, so nothing is subscribed for it.
      for (const release of previous?.release ?? []) release();
      return;
    }

    for (const binding of stateBindings(discovered.component, discovered.config, built.templates)) {
      tracked.release.push(this.route(binding.topic, (m) => this.applyState(entity.id, binding, m)));
    }
    built.availability?.entries.forEach((entry, index) => {
      tracked.release.push(this.route(entry.topic, (m) => {
        const text = this.text(m);
        if (text === undefined) return;
        try {
          this.registry.setAvailable(entity.id, built.availability!.receive(index, text));
        } catch (err) {
          if (err instanceof TemplateBudgetError) this.overBudget(entity.id, m.topic, err);
          else log.debug({ topic: m.topic, entityId: entity.id, err: (err as Error).message }, "availability template failed");
        }
      }));
    });
    for (const release of previous?.release ?? []) release();
  }

  /** The payload as text, or undefined (warned once) when it is oversized or not UTF-8. */
  private text(message: IncomingMessage): string | undefined {
    const maxBytes = this.config.homeassistant.max_payload_bytes;
    if (message.payload.length > maxBytes) {
      this.warn(message.topic, `payload of ${message.payload.length} bytes exceeds homeassistant.max_payload_bytes (${maxBytes})`);
      return undefined;
    }
    try {
      return decodeUtf8(message.payload);
    } catch (err) {
      this.warn(message.topic, (err as Error).message);
      return undefined;
    }
  }

  private applyState(entityId: string, binding: StateBinding, message: IncomingMessage): void {
    const text = this.text(message);
    if (text === undefined) return;
    const entity = this.registry.get(entityId);
    if (!entity) return;
    try {
      const update = binding.read(text, { state: entity.state, attributes: entity.attributes });
      if (update && (update.state !== undefined || (update.attributes && Object.keys(update.attributes).length > 0))) {
        this.registry.setState(entityId, update.state, update.attributes);
      }
    } catch (err) {
      if (err instanceof TemplateBudgetError) {
        this.overBudget(entityId, message.topic, err, binding.key);
        return;
      }
      // A template that compiles can still fail on a payload (e.g. a missing key); HA logs and keeps the state.
      log.debug({ topic: message.topic, entityId, key: binding.key, err: (err as Error).message }, "state message not applied");
    }
  }

  /**
   * A template that ran past its render budget (a hostile or broken config):
   * the entity is marked unavailable and the topic named in one warning; the
   * agent goes on. It becomes available again through its availability topic
   * or a new config.
   */
  private overBudget(entityId: string, topic: string, err: TemplateBudgetError, templateKey?: string): void {
    this.registry.setAvailable(entityId, false);
    this.warn(topic, `${err.message}${templateKey ? ` (the template reading ${templateKey})` : ""}; ${entityId} marked unavailable`, entityId, "template");
  }

  /**
   * Route messages on `topic` to `handler` (QoS 0, as HA subscribes by default), sharing one subscription per topic
   * (many entities read the same Zigbee2MQTT device topic). A handler added to
   * an existing subscription is first given the last message seen, since the
   * broker sends retained messages only for a new subscription.
   */
  private route(topic: string, handler: (message: IncomingMessage) => void): () => void {
    let route = this.routes.get(topic);
    if (!route) {
      const created: TopicRoute = { handlers: new Set(), unsubscribe: () => undefined };
      created.unsubscribe = this.source.subscribe(topic, (message) => {
        created.last = message;
        for (const h of [...created.handlers]) h(message);
      }, { qos: 0, bulk: true });
      this.routes.set(topic, created);
      route = created;
    }
    route.handlers.add(handler);
    if (route.last) handler(route.last);
    const owner = route;
    return () => {
      owner.handlers.delete(handler);
      if (owner.handlers.size === 0) {
        owner.unsubscribe();
        this.routes.delete(topic);
      }
    };
  }

  private remove(key: string): void {
    const tracked = this.tracked.get(key);
    if (!tracked) return;
    this.tracked.delete(key);
    if (tracked.uniqueKey !== undefined && this.uniqueIds.get(tracked.uniqueKey) === key) this.uniqueIds.delete(tracked.uniqueKey);
    if (this.tracked.size < this.config.homeassistant.max_entities) this.atCap = false;
    for (const release of tracked.release) release();
    this.registry.remove(tracked.entityId);
    this.emit("entity", tracked.entityId, "removed");
  }
}
