/**
 * End to end, commands for several places or devices at once and "everything":
 * `hearth say` as a child process against a real mosquitto holding the real
 * discovery messages and the simulated home. The recorder on `#` shows which
 * device commands reach the broker; "everything" must never reach a lock, a
 * garage door, a valve or a config/diagnostic entity.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { OutgoingMessage } from "../../devices/entity.ts";
import { E2E_SKIP, startE2eHome, type E2eHome } from "../helpers/e2e-home.ts";
import { sayJson, writeConfigFile, writeJsonLines } from "../helpers/hearth-cli.ts";
import type { RecordedMessage } from "../helpers/mqtt-recorder.ts";

const skip = E2E_SKIP;

/** A Zigbee2MQTT-style config switch (entity_category config): "everything" must leave it alone. */
const CHILD_LOCK = {
  topic: "homeassistant/switch/kitchen_plug_child_lock/config",
  payload: JSON.stringify({
    name: "Kitchen Plug Child Lock",
    unique_id: "kitchen_plug_child_lock",
    command_topic: "zigbee2mqtt/kitchen_plug/set/child_lock",
    state_topic: "zigbee2mqtt/kitchen_plug/child_lock",
    entity_category: "config",
  }),
};
const CHILD_LOCK_ID = "switch.kitchen_plug_child_lock";

let home: E2eHome;
let config: string;

before(async () => {
  if (skip) return;
  home = await startE2eHome([CHILD_LOCK], {}, { appliances: true });
  config = writeConfigFile(["agent: { id: e2e-multi-target }", `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`]);
});
after(async () => {
  await home?.stop();
});

interface SayLine {
  text: string;
  intent: string | null;
  targets: string[];
  messages: OutgoingMessage[];
  response: string;
  decision: string;
  awaiting?: string;
}

const say = (records: { text: string; context?: { area: string } }[]) => sayJson<SayLine>(config, ["--input", writeJsonLines(records)]);

const asSent = (m: RecordedMessage): OutgoingMessage => ({ topic: m.topic, payload: m.text, qos: m.qos, retain: m.retain });
const msg = (topic: string, payload: string): OutgoingMessage => ({ topic, payload, qos: 0, retain: false });
const byTopic = (a: OutgoingMessage, b: OutgoingMessage) => a.topic.localeCompare(b.topic) || String(a.payload).localeCompare(String(b.payload));

/** Device commands that reached the broker since `mark` (after the broker has delivered them). */
async function commandsSince(mark: number): Promise<OutgoingMessage[]> {
  await new Promise((r) => setTimeout(r, 200));
  return home.recorder.since(mark, home.isDeviceCommand).map(asSent).sort(byTopic);
}

test("several places or devices joined by 'and' are acted on together, and a place without the device acts on nothing", { skip }, async () => {
  const mark = home.recorder.mark();
  const lines = await say([
    { text: "turn on the lights in the kitchen and the living room" },
    { text: "turn off the kitchen and living room lights" },
    { text: "turn on the lamp and the bedroom fan", context: { area: "Living Room" } },
    { text: "turn off the bedroom fan and turn on the coffee machine" },
    // The bedroom has no light: nothing is done, and hearth says why.
    { text: "turn off the lights in the kitchen and the bedroom" },
  ]);
  const lamp = "living-room-node/light/lamp/command";
  const kitchen = "tasmota_4C11AE/cmnd/POWER";
  const fan = "bedroom-node/fan/ceiling_fan/command";
  const expected: [string, string[], OutgoingMessage[]][] = [
    ["act", ["light.kitchen_ceiling", "light.living_room_node_lamp"], [msg(kitchen, "ON"), msg(lamp, '{"state":"ON"}')]],
    ["act", ["light.kitchen_ceiling", "light.living_room_node_lamp"], [msg(kitchen, "OFF"), msg(lamp, '{"state":"OFF"}')]],
    ["act", ["light.living_room_node_lamp", "fan.bedroom_node_ceiling_fan"], [msg(lamp, '{"state":"ON"}'), msg(fan, "ON")]],
    ["act", ["fan.bedroom_node_ceiling_fan", "switch.coffee_machine"], [msg(fan, "OFF"), msg("zigbee2mqtt/coffee_machine/set", "ON")]],
    ["refuse", [], []],
  ];
  assert.deepEqual(lines.map((l) => [l.decision, l.targets, l.messages]), expected, JSON.stringify(lines, null, 1));
  assert.deepEqual(lines.map((l) => l.response), [
    "Turned on Kitchen Ceiling and living-room-node Lamp",
    "Turned off Kitchen Ceiling and living-room-node Lamp",
    "Turned on living-room-node Lamp and bedroom-node Ceiling Fan",
    "Turned off bedroom-node Ceiling Fan and turned on coffee_machine",
    "Sorry, I found no lights in the bedroom",
  ]);
  assert.deepEqual(await commandsSince(mark), expected.flatMap(([, , m]) => m).sort(byTopic));
});

test("'everything' switches the everyday devices only: no lock, garage door, valve, thermostat, vacuum or config entity", { skip }, async () => {
  const mark = home.recorder.mark();
  const [off, here, lights] = await say([
    { text: "turn everything off" },
    { text: "turn on everything in the bedroom" },
    { text: "turn off all the lights in the house" },
  ]);
  const everyday = /^(light|switch|fan|humidifier)\./;
  assert.equal(off!.decision, "act", JSON.stringify(off));
  assert.ok(off!.targets.length >= 6, JSON.stringify(off!.targets));
  for (const id of off!.targets) assert.match(id, everyday);
  for (const id of ["light.kitchen_ceiling", "light.living_room_node_lamp", "switch.coffee_machine", "fan.bedroom_node_ceiling_fan"]) assert.ok(off!.targets.includes(id), id);
  assert.ok(!off!.targets.includes(CHILD_LOCK_ID), "a config entity answers to its own name only");
  assert.deepEqual(here!.targets, ["fan.bedroom_node_ceiling_fan"]);
  assert.deepEqual(lights!.targets.filter((id) => !id.startsWith("light.")), []);
  const sent = await commandsSince(mark);
  const forbidden = ["front_door_lock", "garage_door", "irrigation", "valve", "thermostat", "vacuum", "valetudo", "mower", "water", "child_lock"];
  assert.deepEqual(sent.filter((m) => forbidden.some((f) => m.topic.toLowerCase().includes(f))), []);
  assert.equal(sent.length, off!.messages.length + here!.messages.length + lights!.messages.length);
});
