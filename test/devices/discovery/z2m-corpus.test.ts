/**
 * The whole Zigbee2MQTT corpus (34,342 retained discovery messages of every
 * zigbee-herdsman-converters definition, ../shared/data/z2m-discovery) through
 * the consumer's message handler: every config HA accepts becomes an entity.
 * The broker round trip at this scale is bench/discovery.ts's job.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { parseConfig } from "../../../agent/config/load.ts";
import { commandSupport } from "../../../devices/commands/encode.ts";
import { DiscoveryConsumer, type DiscoveryWarning, type MessageSource } from "../../../devices/discovery/consumer.ts";
import type { IncomingMessage } from "../../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { sharedData } from "../../helpers/shared-data.ts";

const corpusFile = sharedData("z2m-discovery", "corpus.jsonl.gz");

/**
 * Rejections Home Assistant makes too: `update` and `infrared` are platforms
 * hearth does not read (no voice action), and two Z2M topics hold characters
 * HA's discovery topic pattern refuses.
 */
const HA_ALSO_REJECTS = [/^unsupported component "(update|infrared)"/, /^not a valid discovery topic/];

test("every Zigbee2MQTT device's discovery config is understood", { skip: existsSync(corpusFile) ? false : `missing ${corpusFile}` }, () => {
  const lines = gunzipSync(readFileSync(corpusFile)).toString("utf8").split("\n").filter(Boolean);
  let onDiscovery: ((message: IncomingMessage) => void) | undefined;
  const source: MessageSource = {
    subscribe: (filter, handler) => {
      if (filter === "homeassistant/#") onDiscovery = handler;
      return () => undefined;
    },
  };
  const registry = new EntityRegistry();
  const config = parseConfig({ agent: { id: "corpus" }, homeassistant: { max_entities: 50_000 } });
  const consumer = new DiscoveryConsumer(source, registry, config);
  const warnings: DiscoveryWarning[] = [];
  consumer.on("warning", (w) => warnings.push(w));
  consumer.start();
  for (const line of lines) {
    const { topic, payload } = JSON.parse(line) as { topic: string; payload: string };
    onDiscovery!({ topic, payload: Buffer.from(payload) } as IncomingMessage);
  }
  const entities = registry.all();
  assert.ok(entities.length >= 32_500, `${entities.length} entities`);
  const wrongly = warnings.filter((w) => !HA_ALSO_REJECTS.some((r) => r.test(w.reason)));
  assert.deepEqual(wrongly.slice(0, 5), [], `${wrongly.length} configs rejected for a reason HA would accept`);
  // F04: nothing marked commandable that the encoders cannot command.
  const unsupported = entities.filter((e) => !e.readOnly && !commandSupport(e).ok);
  assert.deepEqual(unsupported.slice(0, 3).map((e) => `${e.id}: ${JSON.stringify(commandSupport(e))}`), []);
  // F05/F04: sirens and text entities are commandable.
  assert.equal(entities.filter((e) => e.domain === "siren" && !e.readOnly).length, 29);
  assert.ok(entities.filter((e) => e.domain === "text" && !e.readOnly).length >= 1_000);
  // F06: what HA creates disabled or keeps out of Assist is not exposed.
  const disabled = entities.filter((e) => e.config?.enabled_by_default === false);
  assert.equal(disabled.length, 7_347);
  assert.ok(disabled.every((e) => e.exposed === false && e.disabled === true));
  assert.ok(entities.filter((e) => e.category !== undefined).every((e) => e.exposed === false));
  assert.ok(registry.exposed().every((e) => e.category === undefined && e.config?.enabled_by_default !== false));
  consumer.stop();
});
