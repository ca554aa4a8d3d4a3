/**
 * hearth announces itself to Home Assistant as ONE device, with HA's
 * device-based discovery: a retained config on `<prefix>/device/<agent_id>/config`
 * whose `components` are a status sensor, a last-transcript sensor, an `event`
 * entity whose event types are the recognised intents and a `text` entity for
 * typed commands; availability follows the session's `hearth/<agent_id>/status`
 * (retained `online`, last will `offline`). Keys are sorted at every level so
 * the payload is byte-for-byte stable (no needless updates in HA).
 *
 * Like Zigbee2MQTT, it re-announces after a random 0–5 s delay whenever HA
 * publishes `online` on its status topic (HA's birth message), so a restarted
 * HA, or one whose broker lost retained messages, sees hearth again without
 * every device answering at the same instant.
 */
import { logger } from "../../agent/log.ts";
import type { MqttSession } from "../mqtt/session.ts";

const log = logger("devices/discovery-producer");

/** The agent's own topics under `hearth/<agent_id>/`. */
export function agentTopics(agentId: string) {
  const base = `hearth/${agentId}`;
  return {
    /** Prefix of every own topic (occupancy, snapshots and rule events live below it). */
    base,
    /** Retained `online` / last will `offline` (the MQTT session publishes it). */
    status: `${base}/status`,
    /** The controller's state in one word (idle, understanding, acting, ...). */
    state: `${base}/state`,
    /** The last recognised or typed text. */
    transcript: `${base}/transcript`,
    /** One JSON object per recognised intent: `{"event_type": "<IntentName>", ...slots}`. */
    intent: `${base}/intent`,
    /** Typed commands from HA's text entity. */
    text: `${base}/text`,
    /** One JSON line per controller step. */
    events: `${base}/events`,
    /** Retained: which process holds this agent id (agent/service/takeover.ts). */
    instance: `${base}/instance`,
  };
}

export interface ProducerOptions {
  agentId: string;
  /** Device name shown in HA. */
  agentName: string;
  /** `homeassistant.discovery_prefix`. */
  discoveryPrefix: string;
  /** `homeassistant.status_topic`, where HA publishes `online` when it starts. */
  haStatusTopic: string;
  /** Names of the intents hearth recognises (the event entity's `event_types`). */
  intents: string[];
  /** hearth's version, for the device and origin blocks. */
  version: string;
  /** Delay before a re-announce, in ms (default: uniform 0–5000). */
  reannounceDelayMs?: () => number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A copy of `value` with every object's keys in sorted order. */
function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value as Json;
}

export class DiscoveryProducer {
  /** `<prefix>/device/<agent_id>/config`. */
  readonly topic: string;
  private readonly components = new Map<string, Record<string, unknown>>();
  private unsubscribe?: () => void;
  private pending?: NodeJS.Timeout;

  constructor(private readonly session: Pick<MqttSession, "publish" | "subscribe">, private readonly options: ProducerOptions) {
    const { agentId } = options;
    const topics = agentTopics(agentId);
    this.topic = `${options.discoveryPrefix}/device/${agentId}/config`;
    this.addComponent("status", {
      platform: "sensor", name: "Status", icon: "mdi:state-machine", entity_category: "diagnostic",
      state_topic: topics.state,
    });
    this.addComponent("transcript", { platform: "sensor", name: "Last transcript", icon: "mdi:text-recognition", state_topic: topics.transcript });
    this.addComponent("intent", {
      platform: "event", name: "Intent", icon: "mdi:account-voice", state_topic: topics.intent, event_types: [...options.intents],
    });
    this.addComponent("command", { platform: "text", name: "Command", icon: "mdi:keyboard", command_topic: topics.text, max: 255, mode: "text" });
  }

  /**
   * Add (or replace) one component of hearth's device, e.g. an occupancy
   * binary_sensor per area. `config` uses HA's full key names and must hold
   * `platform`; `unique_id` defaults to `<agent_id>_<key>`. Announces again
   * when the producer is running.
   * @throws Error when `key` is not a valid discovery id or `platform` is missing.
   */
  addComponent(key: string, config: Record<string, unknown>): void {
    if (!/^[a-zA-Z0-9_-]+$/.test(key)) throw new Error(`discovery component key ${JSON.stringify(key)}: only a-z, A-Z, 0-9, _ and - are allowed`);
    if (typeof config.platform !== "string") throw new Error(`discovery component ${key}: platform is required`);
    this.components.set(key, { unique_id: `${this.options.agentId}_${key}`, ...config });
    if (this.unsubscribe) void this.announce();
  }

  /** The announced document (sorted keys). */
  payload(): string {
    const { agentId, agentName, version } = this.options;
    const topics = agentTopics(agentId);
    return JSON.stringify(sortKeys({
      availability_topic: topics.status,
      payload_available: "online",
      payload_not_available: "offline",
      device: { identifiers: [`hearth_${agentId}`], name: agentName, manufacturer: "hearth", model: "hearth agent", sw_version: version },
      origin: { name: "hearth", sw_version: version },
      components: Object.fromEntries(this.components),
    }));
  }

  /** Publish the config, retained, QoS 1. Resolves on PUBACK. */
  async announce(): Promise<void> {
    await this.session.publish({ topic: this.topic, payload: this.payload(), qos: 1, retain: true });
    log.info({ topic: this.topic, components: [...this.components.keys()] }, "announced hearth to Home Assistant");
  }

  /** Announce now and after every HA birth message. */
  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.session.subscribe(this.options.haStatusTopic, (message) => {
      if (message.payload.toString() !== "online" || this.pending) return;
      const delay = this.options.reannounceDelayMs?.() ?? Math.random() * 5000;
      this.pending = setTimeout(() => {
        this.pending = undefined;
        this.announce().catch((err: Error) => log.warn({ topic: this.topic, err: err.message }, "re-announce failed"));
      }, delay);
    });
    await this.announce();
  }

  /** Stop listening for HA's birth message (the retained config stays). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.pending) clearTimeout(this.pending);
    this.pending = undefined;
  }
}
