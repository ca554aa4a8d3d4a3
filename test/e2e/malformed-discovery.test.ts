/**
 * Robustness end to end: more than 1000 generated malformed discovery
 * messages (and junk state messages) published to a RUNNING `hearth run`
 * child process on a private mosquitto. Afterwards the same process still
 * runs, answers `hearth status --json`, still controls the device it knew
 * before, and discovers and controls a device announced after the flood.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fetchStatus } from "../../agent/service/status-server.ts";
import { Mosquitto } from "../helpers/mosquitto.ts";
import { MqttRecorder, type RecordedMessage } from "../helpers/mqtt-recorder.ts";
import { E2E_SKIP, realDiscoveryMessages } from "../helpers/e2e-home.ts";
import { HearthProcess, runHearth, writeConfigFile } from "../helpers/hearth-cli.ts";
import { generateMalformedDiscovery, unusableUpdates } from "../helpers/malformed-discovery.ts";

const skip = E2E_SKIP;
const ID = "e2e-fuzz";
const TEXT = `hearth/${ID}/text`;
const EVENTS = `hearth/${ID}/events`;

/** The device hearth knows before the flood: a plain HA switch config. */
const PORCH = {
  topic: "homeassistant/switch/porch_light/config",
  payload: JSON.stringify({ name: "Porch Light", unique_id: "porch_light_relay", command_topic: "porch/relay/set", state_topic: "porch/relay", qos: 1 }),
};
/** The device announced after the flood (Zigbee2MQTT-style JSON light). */
const GARDEN = {
  topic: "homeassistant/light/0x00124b0029aabbcc/light/config",
  payload: JSON.stringify({
    name: null, schema: "json", brightness: true, brightness_scale: 254, command_topic: "zigbee2mqtt/garden_lamp/set", state_topic: "zigbee2mqtt/garden_lamp",
    object_id: "garden_lamp", unique_id: "0x00124b0029aabbcc_light_zigbee2mqtt", device: { identifiers: ["zigbee2mqtt_0x00124b0029aabbcc"], name: "garden_lamp" },
  }),
};

let broker: Mosquitto;
let recorder: MqttRecorder;
let service: HearthProcess;
let config: string;
let socket: string;

before(async () => {
  if (skip) return;
  broker = await Mosquitto.start();
  recorder = await MqttRecorder.start(broker.url);
  for (const m of [...realDiscoveryMessages(), PORCH]) await recorder.publish(m.topic, m.payload, { qos: 1, retain: true });
  socket = join(mkdtempSync(join(tmpdir(), "hearth-e2e-fuzz-")), "status.sock");
  config = writeConfigFile([`agent: { id: ${ID} }`, `mqtt: { host: 127.0.0.1, port: ${broker.port} }`, `service: { status_socket: ${socket} }`]);
  service = HearthProcess.start(["run", "--config", config]);
  // 17 entities from the real payloads + the porch light.
  await service.waitUntilReady(socket, 18);
});
after(async () => {
  if (process.env.HEARTH_E2E_LOG) (await import("node:fs")).writeFileSync(process.env.HEARTH_E2E_LOG, service?.stderr ?? "");
  await service?.stop("SIGKILL");
  await recorder?.close();
  await broker?.dispose();
});

const deviceCommand = (m: RecordedMessage) => !m.topic.startsWith("hearth/") && !m.topic.startsWith("homeassistant/") && !m.topic.startsWith("junk/");

async function typed(text: string): Promise<{ event: { type: string; intent: string | null; response: string; messages: unknown[]; error?: string }; commands: RecordedMessage[] }> {
  const mark = recorder.mark();
  await recorder.publish(TEXT, text, { qos: 1 });
  const line = await recorder.next(mark, (m) => m.topic === EVENTS, `the event line for "${text}"`, 10_000).catch(async (err: Error) => {
    // Tell "hearth did not act" from "the event line did not reach the recorder".
    const status = await fetchStatus(socket).catch((e: Error) => e.message);
    const log = service.stderr.split("\n").filter((l) => !l.includes('"skipped: ')).slice(-15).join("\n");
    throw new Error(`${err.message}; hearth's status: ${JSON.stringify(status).slice(0, 600)}; hearth's log apart from skipped discovery:\n${log.slice(-4000)}`);
  });
  const event = JSON.parse(line.text) as { type: string; intent: string | null; response: string; messages: unknown[]; error?: string };
  await new Promise((r) => setTimeout(r, 200));
  return { event, commands: recorder.since(mark, deviceCommand) };
}

test("after 1000+ malformed discovery messages the running agent still controls a known and a new device", { skip }, async () => {
  const junk = [
    ...generateMalformedDiscovery(realDiscoveryMessages(), 1100, { protectedTopics: [PORCH.topic, GARDEN.topic] }),
    ...unusableUpdates([PORCH.topic]),
    // A stale or forged copy of the porch light (same unique_id and name, another command topic): HA ignores it.
    { kind: "duplicate-unique-id", topic: "homeassistant/switch/porch_light_copy/config", payload: Buffer.from(JSON.stringify({ ...JSON.parse(PORCH.payload), command_topic: "forged/porch/set" })), retain: true },
  ];
  assert.ok(junk.length >= 1000, `${junk.length} messages`);
  const kinds = new Set(junk.map((m) => m.kind));
  for (const kind of ["invalid-json", "wrong-type", "huge", "invalid-utf8", "deep", "proto", "wrong-topic", "template", "bad-topic-value", "update-invalid-json"]) {
    assert.ok(kinds.has(kind), `no ${kind} messages generated`);
  }
  const pid = service.pid;
  for (const m of junk) await recorder.publish(m.topic, m.payload, { qos: 1, retain: m.retain });
  // Announced after the junk on the same subscription, so hearth has read all of it once this entity exists.
  await recorder.publish(GARDEN.topic, GARDEN.payload, { qos: 1, retain: true });
  // The junk adds ~2000 entities, each subscribing to its state topics, some of which ("#", "+") pull every
  // retained message on the broker (1 MB ones among them): on a loaded machine hearth digests that backlog
  // for seconds. Until it reaches the garden lamp's config (and its name is in the sentence set), the lamp is
  // unknown or only guessed from the word "lamp" (a question, never an action): nothing may be sent.
  const deadline = Date.now() + 45_000;
  let garden = await typed("turn on the garden lamp");
  while ((garden.event.error === "no_such_name" || garden.event.type === "confirmation_requested") && Date.now() < deadline) {
    assert.deepEqual(garden.commands, []);
    await new Promise((r) => setTimeout(r, 500));
    garden = await typed("turn on the garden lamp");
  }
  assert.equal(garden.event.response, "Turned on garden_lamp");
  assert.deepEqual(garden.commands.map((m) => [m.topic, m.text, m.qos, m.retain]), [["zigbee2mqtt/garden_lamp/set", '{"state":"ON"}', 0, false]]);

  const porch = await typed("turn off the porch light");
  assert.equal(porch.event.response, "Turned off Porch Light");
  assert.deepEqual(porch.commands.map((m) => [m.topic, m.text, m.qos, m.retain]), [["porch/relay/set", "OFF", 1, false]]);

  // Still the same process, and its status socket answers through the CLI.
  assert.ok(service.running, service.stderr.slice(-2000));
  const status = await runHearth(["status", "--json", "--config", config]);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { pid: number; broker: { state: string } };
  assert.equal(report.pid, pid);
  assert.equal(report.broker.state, "connected");
  // The junk was read and reported, each topic once, with its topic named.
  assert.match(service.stderr, /"topic":"homeassistant\/[a-z_]+\/junk_\d+\/config".*"msg":"skipped: /);
});
