/** HA's MQTT vacuum (state schema): fixed payloads on command_topic, gated by supported_features. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("vacuum: default payloads on command_topic with the entity's qos and retain", () => {
  const vacuum = makeEntity("vacuum", "rover", { command_topic: "valetudo/rover/command", qos: 1, retain: true, supported_features: ["start", "pause", "stop", "return_home"] });
  const msg = (payload: string) => [{ topic: "valetudo/rover/command", payload, qos: 1, retain: true }];
  assert.deepEqual(encodeAction(vacuum, { type: "start" }), msg("start"));
  assert.deepEqual(encodeAction(vacuum, { type: "pause" }), msg("pause"));
  assert.deepEqual(encodeAction(vacuum, { type: "stop" }), msg("stop"));
  assert.deepEqual(encodeAction(vacuum, { type: "return_to_base" }), msg("return_to_base"));
});

test("vacuum: custom payloads are sent as they are (the state schema has no command template)", () => {
  const vacuum = makeEntity("vacuum", "robo", {
    command_topic: "robo/cmd", payload_start: "START", payload_return_to_base: "HOME", payload_stop: "{{ not a template }}",
  });
  const msg = (payload: string) => [{ topic: "robo/cmd", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(vacuum, { type: "start" }), msg("START"));
  assert.deepEqual(encodeAction(vacuum, { type: "return_to_base" }), msg("HOME"));
  assert.deepEqual(encodeAction(vacuum, { type: "stop" }), msg("{{ not a template }}"));
});

test("vacuum: HA's default features lack pause; a missing feature, topic or another action is refused", () => {
  const vacuum = makeEntity("vacuum", "robo", { command_topic: "robo/cmd" });
  assert.throws(() => encodeAction(vacuum, { type: "pause" }), /"pause" is not in its supported_features \(start, stop, return_home, battery, clean_spot\), so it cannot pause/);
  const dockless = makeEntity("vacuum", "robo", { command_topic: "robo/cmd", supported_features: ["start", "status"] });
  assert.throws(() => encodeAction(dockless, { type: "return_to_base" }), /"return_home" is not in its supported_features \(start, status\)/);
  const mute = makeEntity("vacuum", "robo", { state_topic: "robo/state" });
  assert.throws(() => encodeAction(mute, { type: "start" }), /no command_topic in its discovery config, so it cannot start cleaning/);
  assert.throws(() => encodeAction(vacuum, { type: "turn_on" }), /a vacuum can only start, pause, stop or return to its base/);
});
