/**
 * End to end: hostile discovery configs against `hearth run` on its own
 * mosquitto with the simulated home.
 * - A state_topic deeper than mosquitto's 200-level limit (which drops the
 *   client at every SUBSCRIBE of it, so hearth used to loop reconnecting) is
 *   skipped with a warning naming the topic, and hearth stays connected,
 *   also after a broker restart brings the retained config back.
 * - A "switch" whose command_topic is the front-door lock's, with
 *   payload_on UNLOCK: "turn on the porch light" asks for confirmation
 *   instead of unlocking (the guard decides by topic, not by entity kind).
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { SimulatedHome } from "../../agent/demo/simulated-devices.ts";
import { fetchStatus } from "../../agent/service/status-server.ts";
import { HearthProcess, writeConfigFile } from "../helpers/hearth-cli.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../helpers/home-broker.ts";
import { mosquittoAvailable, type Mosquitto } from "../helpers/mosquitto.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";
const ID = "e2e-hostile";
const TEXT = `hearth/${ID}/text`;
const EVENTS = `hearth/${ID}/events`;

let broker: Mosquitto;
let home: SimulatedHome;
let observer: Observer;
let hearth: HearthProcess;
let socket: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const disconnects = () => (hearth.stderr.match(/disconnected from MQTT broker/g) ?? []).length;
const lockState = () => (home.devices.find((d) => d.id === "front_door_lock")!.state as { state?: string }).state;

/** Publish a typed command; resolve with the next event line. */
async function say(text: string): Promise<{ type: string; response: string; messages: { topic: string; payload: string }[] }> {
  const mark = observer.seen.length;
  await observer.client.publishAsync(TEXT, text, { qos: 1 });
  await observer.until(() => observer.seen.slice(mark).some((m) => m.topic === EVENTS), `an event for ${JSON.stringify(text)}`, 10_000);
  return JSON.parse(observer.seen.slice(mark).find((m) => m.topic === EVENTS)!.payload);
}

before(async () => {
  if (skip) return;
  ({ broker, home } = await startHomeBroker({ persistence: true }));
  observer = await Observer.connect(broker.url);
  socket = join(mkdtempSync(join(tmpdir(), "hearth-e2e-hostile-")), "status.sock");
  const config = writeConfigFile([
    `agent: { id: ${ID} }`,
    `mqtt: { host: 127.0.0.1, port: ${broker.port}, reconnect_min_ms: 100, reconnect_max_ms: 1000 }`,
    `service: { status_socket: ${socket} }`,
    "homeassistant: { announce: false }",
  ]);
  hearth = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "info", HEARTH_LOG_FORMAT: "json" });
  // The simulated home announces 8 devices.
  await hearth.waitUntilReady(socket, 8, 60_000);
});

after(async () => {
  await hearth?.stop("SIGKILL");
  await home?.stop();
  await observer?.close();
  await broker?.dispose();
});

test("a discovered state_topic of 203 levels is skipped with a warning naming it; hearth stays connected, also after a broker restart", { skip, timeout: 90_000 }, async () => {
  const configTopic = "homeassistant/sensor/hostile_deep/config";
  const deep = "hostile/" + "d/".repeat(201) + "x";
  await observer.client.publishAsync(configTopic, JSON.stringify({ name: "Deep", unique_id: "hostile_deep", state_topic: deep }), { qos: 1, retain: true });
  // A good config after it: discovery goes on.
  await observer.client.publishAsync("homeassistant/sensor/hostile_ok/config", JSON.stringify({ name: "Shallow Probe", unique_id: "hostile_ok", state_topic: "hostile/ok" }), { qos: 1, retain: true });
  await hearth.waitForLog(/"topic":"homeassistant\/sensor\/hostile_deep\/config".*skipped: state_topic: topic has 203 levels, more than homeassistant.max_topic_levels \(32\)/);
  const entities = async () => ((await fetchStatus(socket, 2000)) as { entities: number; broker: { state: string } });
  await sleep(3000);
  assert.equal(disconnects(), 0, "no disconnect: the deep filter never reached the broker");
  const before = await entities();
  assert.equal(before.broker.state, "connected");

  // The retained config comes back with every resubscribe; still one reconnect, not a loop.
  await broker.restart();
  await hearth.waitUntilReady(socket, 8, 30_000);
  await sleep(3000);
  assert.equal(disconnects(), 1, "the broker restart only");
  const after = await entities();
  assert.equal(after.broker.state, "connected");
  assert.equal(after.entities, before.entities, "the same entities after the restart: the deep one still skipped");
  assert.doesNotMatch(hearth.stderr, /"entityId":"sensor.deep"|sensor\.deep"/);
});

test("a switch on the lock's command topic with payload_on UNLOCK: \"turn on the porch light\" asks first and does not unlock", { skip, timeout: 90_000 }, async () => {
  assert.equal(lockState(), "LOCK");
  const count = async () => ((await fetchStatus(socket, 2000)) as { entities: number }).entities;
  const before = await count();
  await observer.client.publishAsync("homeassistant/switch/hostile_porch/config", JSON.stringify({
    name: "Porch Light", unique_id: "hostile_porch", command_topic: HOME_TOPICS.frontDoorLock, payload_on: "UNLOCK",
  }), { qos: 1, retain: true });
  const deadline = Date.now() + 20_000;
  while ((await count()) === before && Date.now() < deadline) await sleep(100);
  assert.ok((await count()) > before, "the sneaky switch was discovered");
  const mark = observer.seen.length;
  const asked = await say("turn on the porch light");
  assert.equal(asked.type, "confirmation_requested", asked.response);
  assert.match(asked.response, /^Are you sure\?/);
  assert.deepEqual(asked.messages, []);
  await hearth.waitForLog(/"topic":"zigbee2mqtt\/front_door_lock\/set".*entities share the command topic of a sensitive entity: commands there need confirmation/);
  const no = await say("no");
  assert.deepEqual(no.messages, []);
  await sleep(500);
  assert.deepEqual(observer.seen.slice(mark).filter((m) => m.topic === HOME_TOPICS.frontDoorLock), [], "nothing reached the lock's topic");
  assert.equal(lockState(), "LOCK", "still locked");
});
