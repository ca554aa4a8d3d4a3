/**
 * A large home made of the Zigbee2MQTT corpus (../shared/data/z2m-discovery:
 * the 34,342 retained discovery messages Zigbee2MQTT 2.14.1 publishes for its
 * 4,478 device definitions) for the discovery and name benches: the configs of
 * the first N devices, and the retained state and availability messages
 * Zigbee2MQTT would publish for them.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parseConfig } from "../agent/config/load.ts";
import { DiscoveryConsumer, type MessageSource } from "../devices/discovery/consumer.ts";
import { EntityRegistry } from "../devices/registry.ts";

export const Z2M_CORPUS = fileURLToPath(new URL("../../shared/data/z2m-discovery/corpus.jsonl.gz", import.meta.url));

/** One retained message as the broker holds it. */
export interface RetainedMessage {
  topic: string;
  payload: string;
}

export interface Z2mHome {
  /** Devices taken (Zigbee2MQTT's bridge counts as one). */
  devices: number;
  /** Their discovery configs, in the corpus order. */
  configs: RetainedMessage[];
  /** One JSON state per device topic and one `{"state":"online"}` per availability topic. */
  states: RetainedMessage[];
}

/** The discovery topic's node id (`<prefix>/<component>/<node_id>/<object_id>/config`): one per Z2M device. */
function nodeId(topic: string): string {
  return topic.split("/")[2] ?? "";
}

/** Keys a Zigbee2MQTT value template reads: `value_json.key` and `value_json["key"]`. */
function templateKeys(template: unknown): string[] {
  if (typeof template !== "string") return [];
  const keys: string[] = [];
  for (const m of template.matchAll(/value_json(?:\.(\w+)|\[\s*["'](\w+)["']\s*\])/g)) keys.push((m[1] ?? m[2])!);
  return keys;
}

/** A plausible value for `key` of a `component` config: what the entity's own payloads or options say, else a number. */
function sampleValue(component: string, key: string, config: Record<string, unknown>): unknown {
  if (component === "binary_sensor") return config.payload_on ?? true;
  if (component === "select" && Array.isArray(config.options)) return config.options[0];
  if (component === "text") return "";
  if (key === "state") {
    if (component === "lock") return config.state_locked ?? "LOCK";
    if (component === "cover") return config.state_open ?? "OPEN";
    return config.state_on ?? config.payload_on ?? "ON";
  }
  if (component === "switch") return config.state_on ?? config.payload_on ?? "ON";
  return 1;
}

/**
 * The first `deviceLimit` devices of the corpus (all 4,479 with Infinity).
 * @throws Error naming the file when the corpus is missing or a line is not JSON.
 */
export function loadZ2mHome(deviceLimit = Infinity): Z2mHome {
  if (!existsSync(Z2M_CORPUS)) throw new Error(`missing ${Z2M_CORPUS} (the Zigbee2MQTT corpus of ../shared/data/z2m-discovery)`);
  const lines = gunzipSync(readFileSync(Z2M_CORPUS)).toString("utf8").split("\n").filter(Boolean);
  const taken = new Set<string>();
  const configs: RetainedMessage[] = [];
  const deviceStates = new Map<string, Record<string, unknown>>();
  const availability = new Set<string>();
  lines.forEach((line, i) => {
    let message: RetainedMessage;
    try {
      message = JSON.parse(line) as RetainedMessage;
    } catch (err) {
      throw new Error(`${Z2M_CORPUS}: line ${i + 1}: ${(err as Error).message}`);
    }
    const node = nodeId(message.topic);
    if (!taken.has(node)) {
      if (taken.size >= deviceLimit) return;
      taken.add(node);
    }
    configs.push(message);
    if (!message.payload) return;
    const config = JSON.parse(message.payload) as Record<string, unknown>;
    const component = message.topic.split("/")[1]!;
    for (const a of Array.isArray(config.availability) ? config.availability : []) {
      if (typeof (a as { topic?: unknown }).topic === "string") availability.add((a as { topic: string }).topic);
    }
    for (const [field, topic] of Object.entries(config)) {
      if (typeof topic !== "string" || !field.endsWith("state_topic")) continue;
      const state = deviceStates.get(topic) ?? {};
      deviceStates.set(topic, state);
      const template = config[field.replace(/state_topic$/, "value_template")] ?? config[field.replace(/_state_topic$/, "_template")] ?? config.value_template;
      for (const key of templateKeys(template)) if (!(key in state)) state[key] = sampleValue(component, key, config);
    }
  });
  const states: RetainedMessage[] = [];
  for (const [topic, state] of deviceStates) states.push({ topic, payload: JSON.stringify(state) });
  for (const topic of availability) if (!deviceStates.has(topic)) states.push({ topic, payload: JSON.stringify({ state: "online" }) });
  return { devices: taken.size, configs, states };
}

let wholeCorpus: Z2mHome | undefined;

/**
 * The discovery consumer's registry for the whole corpus, cut at `cap` entities as
 * homeassistant.max_entities cuts it (the retained configs are handed over synchronously);
 * `home`: the corpus when already loaded.
 */
export function z2mRegistry(cap: number, home: Z2mHome = (wholeCorpus ??= loadZ2mHome())): EntityRegistry {
  const registry = new EntityRegistry();
  const source: MessageSource = {
    subscribe: (filter, handler) => {
      if (filter.endsWith("/#")) for (const m of home.configs) handler({ topic: m.topic, payload: Buffer.from(m.payload), qos: 0, retain: true });
      return () => undefined;
    },
  };
  new DiscoveryConsumer(source, registry, parseConfig({ agent: { id: "z2m-home" }, homeassistant: { max_entities: cap } })).start();
  return registry;
}
