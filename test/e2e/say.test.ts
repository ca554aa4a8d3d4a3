/**
 * End to end: `hearth say` as a child process against a real mosquitto that
 * holds the real discovery messages of ../shared/data/mqtt-discovery and the
 * simulated home. A recorder on `#` checks that exactly the expected device
 * commands reach the broker: topic, payload, QoS and retain flag.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { OutgoingMessage } from "../../devices/entity.ts";
import { E2E_SKIP, startE2eHome, type E2eHome } from "../helpers/e2e-home.ts";
import { sayJson, writeConfigFile, writeJsonLines } from "../helpers/hearth-cli.ts";
import type { RecordedMessage } from "../helpers/mqtt-recorder.ts";

const skip = E2E_SKIP;

/** A hand-written HA config whose commands are QoS 1 and retained, as some users configure switches. */
const PORCH = {
  topic: "homeassistant/switch/porch_light/config",
  payload: JSON.stringify({
    name: "Porch Light",
    unique_id: "porch_light_relay",
    command_topic: "porch/relay/set",
    state_topic: "porch/relay",
    payload_on: "1",
    payload_off: "0",
    qos: 1,
    retain: true,
  }),
};

let home: E2eHome;
let config: string;

before(async () => {
  if (skip) return;
  home = await startE2eHome([PORCH]);
  config = writeConfigFile([
    "agent: { id: e2e-say }",
    `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`,
    "entities:",
    "  lock.front_door_lock: { aliases: [front door] }",
  ]);
});
after(async () => {
  await home?.stop();
});

interface SayLine {
  text: string;
  intent: string | null;
  slots: Record<string, unknown>;
  targets: string[];
  messages: OutgoingMessage[];
  response: string;
  awaiting?: string;
  error?: string;
}

const say = (args: string[]) => sayJson<SayLine>(config, args);

const asSent = (m: RecordedMessage): OutgoingMessage => ({ topic: m.topic, payload: m.text, qos: m.qos, retain: m.retain });
const byTopic = (a: OutgoingMessage, b: OutgoingMessage) => a.topic.localeCompare(b.topic) || String(a.payload).localeCompare(String(b.payload));

/**
 * Device commands that arrived since `mark`. By the time `hearth say` exits it
 * has flushed its publishes, so a QoS 0/1 message from it is already routed;
 * the short wait lets the broker finish delivering to the recorder.
 */
async function commandsSince(mark: number): Promise<OutgoingMessage[]> {
  await new Promise((r) => setTimeout(r, 200));
  return home.recorder.since(mark, home.isDeviceCommand).map(asSent);
}

test("hearth say publishes exactly Home Assistant's command for real and simulated devices", { skip }, async () => {
  const mark = home.recorder.mark();
  const input = writeJsonLines([
    { text: "turn off the bulb" },
    { text: "set the smart vent to 40%" },
    { text: "set the TS0601 thermostat to 21.5 degrees" },
    { text: "turn on the wall switch double left" },
    { text: "turn on the porch light" },
    { text: "set the living room blinds to 30%" },
    { text: "turn off the lights", context: { area: "Kitchen" } },
    { text: "set the living room lamp to red" },
    { text: "is the coffee machine on" },
  ]);
  const lines = await say(["--input", input]);
  const expected: OutgoingMessage[][] = [
    // Zigbee2MQTT 2.12.1 IKEA bulb, JSON schema (shared payload 11).
    [{ topic: "zigbee2mqtt/bulb/set", payload: '{"state":"OFF"}', qos: 0, retain: false }],
    // Zigbee2MQTT smart vent cover: its set_position_template (shared payload 15).
    [{ topic: "zigbee2mqtt/smart vent/set", payload: '{ "position": 40 }', qos: 0, retain: false }],
    // Zigbee2MQTT Tuya TRV: temperature_command_topic, a float as HA prints it (shared payload 14).
    [{ topic: "zigbee2mqtt/TS0601_thermostat/set/current_heating_setpoint", payload: "21.5", qos: 0, retain: false }],
    // Zigbee2MQTT wall switch, left channel (shared payload 12).
    [{ topic: "zigbee2mqtt/wall_switch_double/left/set", payload: "ON", qos: 0, retain: false }],
    // Custom payload_on, QoS 1 and retain from the config.
    [{ topic: "porch/relay/set", payload: "1", qos: 1, retain: true }],
    // Simulated Zigbee2MQTT blinds.
    [{ topic: "zigbee2mqtt/living_room_blinds/set", payload: '{ "position": 30 }', qos: 0, retain: false }],
    // Simulated Tasmota light, found by area.
    [{ topic: "tasmota_4C11AE/cmnd/POWER", payload: "OFF", qos: 0, retain: false }],
    // Simulated ESPHome RGB lamp (JSON schema).
    [{ topic: "living-room-node/light/lamp/command", payload: '{"state":"ON","color":{"r":255,"g":0,"b":0}}', qos: 0, retain: false }],
    [],
  ];
  assert.equal(lines.length, expected.length, JSON.stringify(lines));
  lines.forEach((line, i) => assert.deepEqual(line.messages, expected[i], `line ${i + 1}: ${JSON.stringify(line)}`));
  assert.deepEqual(lines.map((l) => l.intent), [
    "HassTurnOff", "HassSetPosition", "HassClimateSetTemperature", "HassTurnOn", "HassTurnOn", "HassSetPosition", "HassTurnOff", "HassLightSet", "HassGetState",
  ]);
  assert.equal(lines[8]!.response, "No, coffee_machine is off");
  assert.deepEqual((await commandsSince(mark)).sort(byTopic), expected.flat().sort(byTopic));
});

test("a device's state update answers the next HassGetState", { skip }, async () => {
  const mark = home.recorder.mark();
  const [turnOn] = await say(["turn on the coffee machine"]);
  assert.deepEqual(turnOn!.messages, [{ topic: "zigbee2mqtt/coffee_machine/set", payload: "ON", qos: 0, retain: false }]);
  // The simulated Zigbee2MQTT plug answers with its new state, retained, as the firmware does.
  const state = await home.recorder.next(mark, (m) => m.topic === "zigbee2mqtt/coffee_machine", "the plug's new state");
  assert.equal((JSON.parse(state.text) as { state: string }).state, "ON");
  assert.equal(state.retain, true);

  const [answer] = await say(["is the coffee machine on"]);
  assert.equal(answer!.intent, "HassGetState");
  assert.equal(answer!.response, "Yes");
  assert.deepEqual(answer!.messages, []);

  const [temperature] = await say(["what is the temperature in the living room"]);
  assert.equal(temperature!.intent, "HassClimateGetTemperature");
  assert.equal(temperature!.response, "The living room is 20.5 degrees");
});

test("hearth say --dry-run shows the command and publishes nothing", { skip }, async () => {
  const mark = home.recorder.mark();
  const [line] = await say(["--dry-run", "turn off the bulb"]);
  assert.deepEqual(line!.messages, [{ topic: "zigbee2mqtt/bulb/set", payload: '{"state":"OFF"}', qos: 0, retain: false }]);
  assert.deepEqual(await commandsSince(mark), []);
});

test("a lock or garage door acts only after a yes; without one nothing is published", { skip }, async () => {
  let mark = home.recorder.mark();
  const confirmed = await say(["--input", writeJsonLines([
    { text: "unlock the front door" },
    { text: "yes" },
    { text: "open the garage door" },
    { text: "yes" },
  ])]);
  assert.deepEqual(confirmed.map((l) => [l.awaiting ?? "command", l.targets, l.messages]), [
    ["confirmation_requested", ["lock.front_door_lock"], []],
    ["command", ["lock.front_door_lock"], [{ topic: "zigbee2mqtt/front_door_lock/set", payload: "UNLOCK", qos: 0, retain: false }]],
    ["confirmation_requested", ["cover.garage_node_garage_door"], []],
    ["command", ["cover.garage_node_garage_door"], [{ topic: "garage-node/cover/garage_door/command", payload: "OPEN", qos: 0, retain: false }]],
  ]);
  assert.deepEqual((await commandsSince(mark)).sort(byTopic), confirmed.flatMap((l) => l.messages).sort(byTopic));

  mark = home.recorder.mark();
  const refused = await say(["--input", writeJsonLines([
    { text: "unlock the front door" },
    { text: "no" },
    { text: "open the garage door" },
  ])]);
  assert.deepEqual(refused.map((l) => [l.awaiting ?? "command", l.response]), [
    ["confirmation_requested", "Are you sure you want to unlock front_door_lock?"],
    ["command", "Okay, I won't do that."],
    ["confirmation_requested", "Are you sure you want to open garage-node Garage Door?"],
  ]);
  assert.ok(refused.every((l) => l.messages.length === 0));
  assert.deepEqual(await commandsSince(mark), []);
});
