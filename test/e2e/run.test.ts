/**
 * End to end: `hearth run` as a long-running child process on a real
 * mosquitto with the real discovery messages and the simulated home. Typed
 * commands arrive on `hearth/<id>/text` as Home Assistant's text entity
 * sends them; the device command and the JSON event line are checked on the
 * broker.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { E2E_SKIP, startE2eHome, type E2eHome } from "../helpers/e2e-home.ts";
import { HearthProcess, runHearth, writeConfigFile } from "../helpers/hearth-cli.ts";
import type { RecordedMessage } from "../helpers/mqtt-recorder.ts";

const skip = E2E_SKIP;
const ID = "e2e-run";
const TOPICS = { text: `hearth/${ID}/text`, events: `hearth/${ID}/events`, status: `hearth/${ID}/status` };

let home: E2eHome;
let config: string;
let service: HearthProcess;

before(async () => {
  if (skip) return;
  home = await startE2eHome();
  const socket = join(mkdtempSync(join(tmpdir(), "hearth-e2e-run-")), "status.sock");
  config = writeConfigFile([
    `agent: { id: ${ID} }`,
    `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`,
    `service: { status_socket: ${socket} }`,
  ]);
  service = HearthProcess.start(["run", "--config", config]);
  // 17 HA discovery entities from the real payloads (the two Tasmota-native files are not HA discovery) + 8 simulated devices.
  await service.waitUntilReady(socket, 25);
});
after(async () => {
  await service?.stop("SIGKILL");
  await home?.stop();
});

interface EventLine {
  type: string;
  text: string;
  origin: { kind: string; source?: string; area?: string };
  intent: string | null;
  slots: Record<string, unknown>;
  targets: string[];
  messages: { topic: string; payload: string; qos: number; retain: boolean }[];
  response: string;
}

const isEvent = (m: RecordedMessage) => m.topic === TOPICS.events;

/** Publish a typed command as HA's text entity does; resolve with the next event line. */
async function type(payload: string): Promise<{ event: EventLine; mark: number }> {
  const mark = home.recorder.mark();
  await home.recorder.publish(TOPICS.text, payload, { qos: 0 });
  // A generous bound, not a timing check: under a busy test run the service may still be training its fallback.
  const message = await home.recorder.next(mark, isEvent, `an event line for ${payload}`, 20_000);
  return { event: JSON.parse(message.text) as EventLine, mark };
}

test("the log says once that it is ready, with the broker, the entities and where typed commands go", { skip }, () => {
  const ready = service.stderr.split("\n").filter((l) => l.includes(" ready: "));
  assert.equal(ready.length, 1, service.stderr);
  const line = JSON.parse(ready[0]!);
  assert.match(line.msg, new RegExp(`^hearth ${ID} ready: broker 127\\.0\\.0\\.1:${home.broker.port}, \\d+ entities; type commands on ${TOPICS.text}`));
  assert.equal(line.text_topic, TOPICS.text);
});

test("a typed command on hearth/<id>/text publishes the device command and one JSON event line", { skip }, async () => {
  const { event, mark } = await type("turn off the bulb");
  const command = await home.recorder.next(mark, home.isDeviceCommand, "the bulb command");
  assert.deepEqual([command.topic, command.text, command.qos, command.retain], ["zigbee2mqtt/bulb/set", '{"state":"OFF"}', 0, false]);
  assert.equal(event.type, "command");
  assert.equal(event.text, "turn off the bulb");
  assert.deepEqual(event.origin, { kind: "mqtt", source: TOPICS.text });
  assert.equal(event.intent, "HassTurnOff");
  assert.deepEqual(event.slots, { name: "bulb" });
  assert.deepEqual(event.targets, ["light.bulb"]);
  assert.deepEqual(event.messages, [{ topic: "zigbee2mqtt/bulb/set", payload: '{"state":"OFF"}', qos: 0, retain: false }]);
  assert.equal(event.response, "Turned off bulb");

  // The JSON form carries the area of the input, which resolves "the lights".
  const kitchen = await type(JSON.stringify({ text: "turn on the lights", area: "Kitchen" }));
  assert.deepEqual(kitchen.event.messages, [{ topic: "tasmota_4C11AE/cmnd/POWER", payload: "ON", qos: 0, retain: false }]);
  assert.deepEqual(kitchen.event.origin, { kind: "mqtt", source: TOPICS.text, area: "Kitchen" });
  await home.recorder.until(() => home.recorder.since(kitchen.mark, home.isDeviceCommand).length === 1, "the kitchen light command");
  assert.deepEqual(home.recorder.since(kitchen.mark, home.isDeviceCommand).map((m) => [m.topic, m.text]), [["tasmota_4C11AE/cmnd/POWER", "ON"]]);
});

test("over MQTT, the lock is unlocked only after a typed yes", { skip }, async () => {
  const asked = await type("unlock the front door lock");
  assert.equal(asked.event.type, "confirmation_requested");
  assert.equal(asked.event.response, "Are you sure you want to unlock front_door_lock?");
  // Nothing may reach the lock while the question is open.
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(home.recorder.since(asked.mark, home.isDeviceCommand), []);

  const yes = await type("yes");
  assert.equal(yes.event.type, "command");
  assert.deepEqual(yes.event.messages, [{ topic: "zigbee2mqtt/front_door_lock/set", payload: "UNLOCK", qos: 0, retain: false }]);
  const state = await home.recorder.next(yes.mark, (m) => m.topic === "zigbee2mqtt/front_door_lock", "the lock's new state");
  assert.equal((JSON.parse(state.text) as { state: string }).state, "UNLOCK");
});

test("hearth say next to the running service leaves its connection and its online status alone", { skip }, async () => {
  const mark = home.recorder.mark();
  const result = await runHearth(["say", "turn on the coffee machine", "--config", config, "--json", "--wait-ms", "2000"]);
  assert.equal(result.code, 0, result.stderr);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(service.running);
  assert.deepEqual(home.recorder.since(mark, (m) => m.topic === TOPICS.status).map((m) => m.text), [], "hearth say must not publish the service's status");
  assert.doesNotMatch(service.stderr, /disconnected|reconnect/i);
  // The service still acts on typed commands.
  const { event } = await type("turn off the coffee machine");
  assert.deepEqual(event.messages, [{ topic: "zigbee2mqtt/coffee_machine/set", payload: "OFF", qos: 0, retain: false }]);
});

test("SIGTERM stops the service within 5 s, exit 0, retained status offline", { skip }, async () => {
  const mark = home.recorder.mark();
  const started = Date.now();
  const { code, signal } = await service.stop("SIGTERM");
  assert.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`);
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
  const status = await home.recorder.next(mark, (m) => m.topic === TOPICS.status, "the offline status");
  assert.deepEqual([status.text, status.retain], ["offline", true]);
});
