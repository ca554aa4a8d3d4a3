/**
 * Memory kept per discovered entity: the whole Zigbee2MQTT corpus
 * (../shared/data/z2m-discovery/corpus.jsonl.gz, 34,342 retained configs)
 * through the discovery consumer in-process, heap measured after a full GC
 * before and after. Prints the figure and writes reports/entity-memory.md.
 *
 * Run: node --expose-gc --import tsx bench/entity-memory.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { parseConfig } from "../agent/config/load.ts";
import { DiscoveryConsumer, type MessageSource } from "../devices/discovery/consumer.ts";
import type { IncomingMessage } from "../devices/mqtt/session.ts";
import { EntityRegistry } from "../devices/registry.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc --import tsx bench/entity-memory.ts");
const corpus = join(root, "..", "shared", "data", "z2m-discovery", "corpus.jsonl.gz");
const messages = gunzipSync(readFileSync(corpus)).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { topic: string; payload: string });

let onDiscovery: ((message: IncomingMessage) => void) | undefined;
const source: MessageSource = {
  subscribe: (filter, handler) => {
    if (filter === "homeassistant/#") onDiscovery = handler;
    return () => undefined;
  },
};
const registry = new EntityRegistry();
new DiscoveryConsumer(source, registry, parseConfig({ agent: { id: "bench" }, homeassistant: { max_entities: 50_000 } })).start();
gc();
const before = process.memoryUsage().heapUsed;
for (const m of messages) onDiscovery!({ topic: m.topic, payload: Buffer.from(m.payload), qos: 0, retain: true });
gc();
const after = process.memoryUsage().heapUsed;
const entities = registry.all().length;
const line = `${messages.length} configs → ${entities} entities: heap +${((after - before) / 2 ** 20).toFixed(1)} MiB, ${((after - before) / entities / 1024).toFixed(2)} KiB per entity (entity, compiled templates shared between entities, state routes)`;
console.log(line);
mkdirSync(join(root, "reports"), { recursive: true });
writeFileSync(join(root, "reports", "entity-memory.md"), `# Memory per discovered entity\n\n- ${line}\n`);
