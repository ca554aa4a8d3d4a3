/**
 * How fast a large home settles, end to end through a real mosquitto: the
 * retained discovery configs of the first N Zigbee2MQTT devices of
 * ../shared/data/z2m-discovery (all 4,479 by default: 34,342 configs) and the
 * retained state and availability messages Zigbee2MQTT publishes for them
 * (bench/z2m-home.ts) sit on a private broker; then the agent (the same Agent
 * `hearth run` starts, with its typed-command topic; bench/discovery-agent.ts,
 * in a process of its own) connects.
 *
 * Measured from the agent's start: connect (CONNACK); settled (every entity
 * built and every state and availability applied — compared, by unique_id,
 * with what the consumer builds when handed the same messages in process);
 * the typed commands ("turn on <a light>", one every --command-every-ms on
 * `hearth/<id>/text`) answered while it settles (publish → event line) and the
 * first one acted on (its light's command reaches the broker); peak RSS and
 * heap; the longest event-loop stall (MQTT.js drops the link when one exceeds
 * the keepalive). Then the latency from a state publish to the registry change.
 *
 *   node --import tsx bench/discovery.ts [--devices 4479] [--command-every-ms 100] [--states 300]
 *   node --import tsx bench/discovery.ts --profile /tmp/prof    # the agent's CPU profile (--cpu-prof) goes there
 *
 * Prints the figures and writes reports/discovery.md and reports/discovery.json.
 */
import { fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { parseConfig } from "../agent/config/load.ts";
import { setLogLevel } from "../agent/log.ts";
import { agentTopics } from "../devices/discovery/producer.ts";
import { DiscoveryConsumer, type MessageSource } from "../devices/discovery/consumer.ts";
import type { IncomingMessage } from "../devices/mqtt/session.ts";
import { topicMatches } from "../devices/mqtt/topic.ts";
import { EntityRegistry } from "../devices/registry.ts";
import { Mosquitto } from "../test/helpers/mosquitto.ts";
import { BENCH_MAX_ENTITIES, wallMs, type AgentReport } from "./discovery-agent.ts";
import { digestOf } from "./registry-digest.ts";
import { loadZ2mHome, type RetainedMessage } from "./z2m-home.ts";

setLogLevel("error");
const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "100000" },
    "command-every-ms": { type: "string", default: "100" },
    states: { type: "string", default: "300" },
    "max-wait-s": { type: "string", default: "180" },
    profile: { type: "string" },
    "broker-defaults": { type: "boolean", default: false },
  },
});
const commandEveryMs = Number(values["command-every-ms"]);
const stateCount = Number(values.states);
const maxWaitMs = Number(values["max-wait-s"]) * 1000;

const home = loadZ2mHome(Number(values.devices));

/**
 * The registry the consumer builds from these messages when handed them
 * directly (no broker): what the live agent must reach.
 */
function expectedRegistry(configs: RetainedMessage[], states: RetainedMessage[]): EntityRegistry {
  const handlers = new Map<string, ((m: IncomingMessage) => void)[]>();
  const source: MessageSource = {
    subscribe: (filter, handler) => {
      const list = handlers.get(filter) ?? [];
      handlers.set(filter, [...list, handler]);
      return () => undefined;
    },
  };
  const registry = new EntityRegistry();
  new DiscoveryConsumer(source, registry, parseConfig({ agent: { id: "expected" }, homeassistant: { max_entities: BENCH_MAX_ENTITIES } })).start();
  const deliver = (m: RetainedMessage) => {
    for (const [filter, list] of handlers) if (topicMatches(filter, m.topic)) for (const handler of list) handler({ topic: m.topic, payload: Buffer.from(m.payload), qos: 0, retain: true });
  };
  configs.forEach(deliver);
  states.forEach(deliver);
  return registry;
}

const progress = (line: string) => process.stderr.write(`discovery bench: ${line}\n`);
progress(`${home.devices} devices, ${home.configs.length} configs, ${home.states.length} states; building the expected registry`);
const expected = expectedRegistry(home.configs, home.states);
const expectedDigest = digestOf(expected.all());
const expectedCount = expected.all().length;

// The typed command: an exposed, commandable light whose spoken name no other entity has.
const probe = (() => {
  const names = new Map<string, number>();
  for (const e of expected.exposed()) names.set(e.name.toLowerCase(), (names.get(e.name.toLowerCase()) ?? 0) + 1);
  const light = expected.exposed().find((e) => e.domain === "light" && !e.readOnly && names.get(e.name.toLowerCase()) === 1 && /^[a-z0-9][a-z0-9 ]+$/i.test(e.name));
  if (!light) throw new Error("no light with a unique, plain name among the chosen devices");
  return { text: `turn on ${light.name}`, commandTopic: String(light.config!.command_topic), entityId: light.id };
})();

// The home on a private broker, set up as the README recommends for a large home: Nagle off, and
// no cap on a client's outgoing queue. With mosquitto 2.0's default (max_queued_messages 1000) a
// SUBSCRIBE matching thousands of retained messages loses those past the queue and the socket
// buffers, however fast the client reads (a bare MQTT.js client got 6,147 of 7,232 configs).
const brokerLines = values["broker-defaults"] ? [] : ["set_tcp_nodelay true", "max_queued_messages 0"];
const broker = await Mosquitto.start({ listenerLines: brokerLines });
const publisher = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "bench-home", reconnectPeriod: 0 });
const loadStarted = performance.now();
for (const m of [...home.configs, ...home.states]) publisher.publish(m.topic, m.payload, { qos: 0, retain: true });
// QoS 0 from one client is handled in order: once this PUBACK is back, every message above is retained.
await publisher.publishAsync("bench/loaded", "1", { qos: 1, retain: false });
const loadMs = performance.now() - loadStarted;
progress(`${expected.all().length} entities expected; the broker holds the home (${loadMs.toFixed(0)} ms); starting the agent`);

const topics = agentTopics("bench");
const sent: number[] = [];
const answers: { sentAtMs: number; latencyMs: number; acted: boolean }[] = [];
let firstActedAt: number | undefined;
await publisher.subscribeAsync([topics.events, probe.commandTopic], { qos: 0 });
publisher.on("message", (topic, payload) => {
  const now = wallMs();
  if (topic === probe.commandTopic) {
    firstActedAt ??= now;
    return;
  }
  const event = JSON.parse(payload.toString()) as { text: string; messages: unknown[] };
  if (event.text !== probe.text) return;
  const sentAt = sent.shift();
  if (sentAt !== undefined) answers.push({ sentAtMs: sentAt, latencyMs: now - sentAt, acted: event.messages.length > 0 });
});

const child = fork(fileURLToPath(new URL("./discovery-agent.ts", import.meta.url)), [String(broker.port), expectedDigest, String(maxWaitMs), probe.entityId, String(stateCount)], {
  execArgv: ["--import", "tsx", ...(values.profile ? ["--cpu-prof", `--cpu-prof-dir=${values.profile}`] : [])],
});
let startedAt = 0;
let connectedAt = 0;
let commandTimer: NodeJS.Timeout | undefined;
const done = await new Promise<Extract<AgentReport, { kind: "done" }>>((resolve, reject) => {
  child.on("exit", (code) => reject(new Error(`bench agent exited with ${code} before reporting`)));
  child.on("message", (report: AgentReport) => {
    if (report.kind === "started") startedAt = report.atMs;
    else if (report.kind === "connected") {
      connectedAt = report.atMs;
      commandTimer = setInterval(() => {
        sent.push(wallMs());
        publisher.publish(topics.text, probe.text, { qos: 1 });
      }, commandEveryMs);
    } else {
      progress(report.settledAtMs === null ? "not settled" : `settled after ${(report.settledAtMs - startedAt).toFixed(0)} ms`);
      clearInterval(commandTimer);
      resolve(report);
    }
  });
});
const settledAt = done.settledAtMs;
// The commands still in flight are answered before the agent stops (it finishes its state figures first).
await new Promise<void>((resolve) => {
  child.once("exit", () => resolve());
  setTimeout(() => child.kill(), 15_000).unref();
});
const unanswered = sent.length;
await publisher.endAsync();
await broker.dispose();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const whileSettling = answers.filter((a) => settledAt === null || a.sentAtMs <= settledAt);
const answerMs = whileSettling.map((a) => a.latencyMs).sort((a, b) => a - b);
const stateMs = [...done.stateLatenciesMs].sort((a, b) => a - b);
const mib = (bytes: number) => bytes / 2 ** 20;
const report = {
  broker: brokerLines,
  devices: home.devices,
  configs: home.configs.length,
  states: home.states.length,
  entities: expectedCount,
  loadMs,
  connectMs: connectedAt - startedAt,
  settledMs: settledAt === null ? null : settledAt - startedAt,
  entitiesReached: done.entities,
  disconnects: done.disconnects,
  command: probe.text,
  commandsWhileSettling: whileSettling.length,
  commandsUnanswered: unanswered,
  answerP50Ms: percentile(answerMs, 50),
  answerP95Ms: percentile(answerMs, 95),
  answerMaxMs: answerMs.at(-1) ?? NaN,
  firstActedMs: firstActedAt === undefined ? null : firstActedAt - startedAt,
  peakRssMiB: mib(done.peakRssBytes),
  peakHeapMiB: mib(done.peakHeapBytes),
  longestStallMs: done.longestStallMs,
  cpuToSettleMs: done.cpuToSettleMs,
  stateP50Ms: percentile(stateMs, 50),
  stateP95Ms: percentile(stateMs, 95),
};
const f = (x: number | null, digits = 0) => (x === null || Number.isNaN(x) ? "—" : x.toFixed(digits));
const lines = [
  "# Discovery: a large home settling",
  "",
  `Run: \`node --import tsx bench/discovery.ts --devices ${values.devices} --command-every-ms ${commandEveryMs}\` on ${new Date().toISOString()} (Node ${process.version}); the machine is shared, timings vary.`,
  "",
  `- Broker: mosquitto ${brokerLines.length ? brokerLines.join(", ") : "with its defaults"}.`,
  `- Home: ${home.devices} Zigbee2MQTT devices, ${home.configs.length} retained discovery configs and ${home.states.length} retained state/availability messages (published in ${f(loadMs)} ms); ${expectedCount} entities expected.`,
  `- Connected ${f(report.connectMs)} ms after the agent's start; ${settledAt === null ? `NOT settled within ${maxWaitMs / 1000} s (${done.entities} entities)` : `settled (every entity built, every state and availability applied) ${f(report.settledMs)} ms after start, having used ${f(report.cpuToSettleMs)} ms of CPU`}; ${done.disconnects} disconnects.`,
  `- Typed "${probe.text}" every ${commandEveryMs} ms from the connect on: ${whileSettling.length} sent while settling, publish → event line p50 ${f(report.answerP50Ms, 1)} ms, p95 ${f(report.answerP95Ms, 1)} ms, max ${f(report.answerMaxMs, 1)} ms; the first acted on (the light's command on the broker) ${f(report.firstActedMs)} ms after start; ${unanswered} unanswered.`,
  `- Agent process: peak RSS ${f(report.peakRssMiB)} MiB, peak heap ${f(report.peakHeapMiB)} MiB; longest event-loop stall ${f(report.longestStallMs)} ms.`,
  `- State publish → registry change after settling (${stateMs.length} messages, ${probe.entityId}): p50 ${f(report.stateP50Ms, 2)} ms, p95 ${f(report.stateP95Ms, 2)} ms.`,
];
process.stdout.write(lines.join("\n") + "\n");
const reports = fileURLToPath(new URL("../reports/", import.meta.url));
mkdirSync(reports, { recursive: true });
writeFileSync(reports + "discovery.md", lines.join("\n") + "\n");
writeFileSync(reports + "discovery.json", JSON.stringify(report, null, 1) + "\n");
process.exit(settledAt === null ? 1 : 0);
