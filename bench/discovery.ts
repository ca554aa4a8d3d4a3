/**
 * Discovery figures: how fast hearth reads HA discovery configs (offline, the
 * real payloads of ../shared/data/mqtt-discovery), how long a home of N
 * retained configs takes to appear in the registry through a private
 * mosquitto, and the latency from a state publish to the registry change.
 *
 *   node --import tsx bench/discovery.ts [--entities 2000] [--states 300]
 *
 * Prints the figures and writes reports/discovery.md.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { parseConfig } from "../agent/config/load.ts";
import { setLogLevel } from "../agent/log.ts";
import { DiscoveryConsumer } from "../devices/discovery/consumer.ts";
import { buildEntity } from "../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../devices/discovery/message.ts";
import { MqttSession } from "../devices/mqtt/session.ts";
import { EntityRegistry } from "../devices/registry.ts";
import { Mosquitto } from "../test/helpers/mosquitto.ts";

setLogLevel("error");
const { values } = parseArgs({ options: { entities: { type: "string", default: "2000" }, states: { type: "string", default: "300" } } });
const entityCount = Number(values.entities);
const stateCount = Number(values.states);

const dataDir = fileURLToPath(new URL("../../shared/data/mqtt-discovery/", import.meta.url));
const samples = readdirSync(dataDir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(dataDir + f, "utf8")) as { topic: string; payload: unknown; raw_payload: string | null })
  .filter((s) => s.topic.startsWith("homeassistant/"));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// 1. Offline: read + build every real payload, many times.
const buffers = samples.map((s) => ({ topic: s.topic, bytes: Buffer.from(s.raw_payload ?? JSON.stringify(s.payload)) }));
const rounds = 500;
const t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) {
  for (const { topic, bytes } of buffers) {
    const m = readDiscoveryMessage(topic, bytes, "homeassistant", 65_536);
    if (m.kind === "configs") for (const c of m.configs) if (c.config) buildEntity(c as ComponentConfig & { config: Record<string, unknown> }, { taken: () => false, overrides: {} });
  }
}
const offlineMs = Number(process.hrtime.bigint() - t0) / 1e6;
const offlinePerPayloadUs = (offlineMs * 1000) / (rounds * buffers.length);

// 2. Through mosquitto: N retained configs, then a consumer starts.
const broker = await Mosquitto.start();
const publisher = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "bench-publisher", reconnectPeriod: 0 });
for (let i = 0; i < entityCount; i++) {
  const s = samples[i % samples.length]!;
  const payload = { ...(s.payload as Record<string, unknown>), object_id: `bench_${i}`, default_entity_id: undefined, state_topic: `bench/${i}/state` };
  const [prefix, component] = s.topic.split("/");
  await publisher.publishAsync(`${prefix}/${component}/bench/n${i}/config`, JSON.stringify(payload), { qos: 1, retain: true });
}
const config = parseConfig({ mqtt: { port: broker.port }, agent: { id: "bench" } });
const session = new MqttSession(config.mqtt, { agentId: "bench" });
const registry = new EntityRegistry();
const consumer = new DiscoveryConsumer(session, registry, config);
const t1 = performance.now();
await session.start();
consumer.start();
while (consumer.size < entityCount) await new Promise((r) => setTimeout(r, 5));
const discoverMs = performance.now() - t1;

// 3. State latency: publish → registry change, one at a time, on a switch.
const switchId = registry.all().find((e) => e.domain === "switch" && (e.config?.state_topic as string).startsWith("bench/"))!;
const stateTopic = switchId.config!.state_topic as string;
const valueTemplate = String(switchId.config!.value_template ?? "");
const latencies: number[] = [];
for (let i = 0; i < stateCount; i++) {
  const on = i % 2 === 0;
  const body = valueTemplate.includes("state_left") ? JSON.stringify({ state_left: on ? "ON" : "OFF" }) : on ? String(switchId.config!.payload_on ?? "ON") : String(switchId.config!.payload_off ?? "OFF");
  const changed = new Promise<void>((resolve) => {
    const listener = (id: string) => {
      if (id === switchId.id && registry.get(id)!.state === (on ? "on" : "off")) {
        registry.off("change", listener);
        resolve();
      }
    };
    registry.on("change", listener);
  });
  const start = performance.now();
  await publisher.publishAsync(stateTopic, body, { qos: 0 });
  await changed;
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
const memoryMb = process.memoryUsage().heapUsed / 1e6;

await session.close();
await publisher.endAsync();
await broker.dispose();

const lines = [
  "# Discovery figures",
  "",
  `Run: \`node --import tsx bench/discovery.ts --entities ${entityCount} --states ${stateCount}\` on ${new Date().toISOString()} (Node ${process.version}).`,
  "",
  `- Offline read + build of the ${buffers.length} real HA payloads × ${rounds}: ${offlinePerPayloadUs.toFixed(1)} µs per payload (${Math.round(1e6 / offlinePerPayloadUs)} payloads/s).`,
  `- ${entityCount} retained configs on a private mosquitto → all in the registry ${discoverMs.toFixed(0)} ms after the session starts (${Math.round((entityCount * 1000) / discoverMs)} configs/s).`,
  `- State publish → registry change (${stateCount} messages, QoS 0, ${switchId.id}): p50 ${percentile(latencies, 50).toFixed(2)} ms, p95 ${percentile(latencies, 95).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms.`,
  `- Heap used after: ${memoryMb.toFixed(0)} MB.`,
];
process.stdout.write(lines.join("\n") + "\n");
mkdirSync(fileURLToPath(new URL("../reports/", import.meta.url)), { recursive: true });
writeFileSync(fileURLToPath(new URL("../reports/discovery.md", import.meta.url)), lines.join("\n") + "\n");
