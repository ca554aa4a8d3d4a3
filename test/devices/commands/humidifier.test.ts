/** HA's MQTT humidifier: on/off, target humidity within min..max, modes, and the on-first of HA's intents. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

const humidifier = makeEntity("humidifier", "bedroom", {
  command_topic: "hum/power/set",
  target_humidity_command_topic: "hum/target/set",
  target_humidity_command_template: '{"humidity": {{ value }}}',
  mode_command_topic: "hum/mode/set",
  modes: ["eco", "boost"],
  min_humidity: 30,
  max_humidity: 80,
  payload_on: "1",
  payload_off: "0",
});
const msg = (topic: string, payload: string) => ({ topic, payload, qos: 0, retain: false });

test("humidifier: power, target humidity through its template, mode", () => {
  assert.deepEqual(encodeAction(humidifier, { type: "turn_on" }), [msg("hum/power/set", "1")]);
  assert.deepEqual(encodeAction(humidifier, { type: "turn_off" }), [msg("hum/power/set", "0")]);
  assert.deepEqual(encodeAction({ ...humidifier, state: "on" }, { type: "toggle" }), [msg("hum/power/set", "0")]);
  assert.deepEqual(encodeAction(humidifier, { type: "set_humidity", humidity: 45 }), [msg("hum/target/set", '{"humidity": 45}')]);
  assert.deepEqual(encodeAction(humidifier, { type: "set_mode", mode: "boost" }), [msg("hum/mode/set", "boost")]);
});

test("humidifier: HA's intents switch an off humidifier on first", () => {
  assert.deepEqual(encodeAction(humidifier, { type: "set_humidity", humidity: 50, turn_on_first: true }), [msg("hum/power/set", "1"), msg("hum/target/set", '{"humidity": 50}')]);
  assert.deepEqual(encodeAction(humidifier, { type: "set_mode", mode: "eco", turn_on_first: true }), [msg("hum/power/set", "1"), msg("hum/mode/set", "eco")]);
});

test("humidifier: defaults ON/OFF and a plain whole percentage; refusals name the range, mode or topic", () => {
  const plain = makeEntity("humidifier", "plain", { command_topic: "p/set", target_humidity_command_topic: "p/hum" });
  assert.deepEqual(encodeAction(plain, { type: "turn_on" }), [msg("p/set", "ON")]);
  assert.deepEqual(encodeAction(plain, { type: "set_humidity", humidity: 55.7 }), [msg("p/hum", "55")], "HA's vol.Coerce(int) truncates");
  assert.throws(() => encodeAction(humidifier, { type: "set_humidity", humidity: 85 }), /humidity 85 % is outside 30\.\.80 %/);
  assert.throws(() => encodeAction(humidifier, { type: "set_mode", mode: "sleep" }), /mode "sleep" is not one of "eco", "boost"/);
  assert.throws(() => encodeAction(plain, { type: "set_mode", mode: "eco" }), /mode "eco" is not one of \(none\)/);
  assert.throws(() => encodeAction(plain, { type: "start" }), /a humidifier can only turn on, turn off or toggle/);
});
