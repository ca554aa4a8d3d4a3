import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

test("Zigbee2MQTT ceiling fan: speed range 1..4 through its Jinja dict template, preset smart", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const fan = entityFromDiscovery("16_z2m-2.12.1_ceiling-fan_fan.json");
  const state = (payload: string) => [{ topic: "zigbee2mqtt/fan/set/fan_state", payload, qos: 0, retain: false }];
  const mode = (payload: string) => [{ topic: "zigbee2mqtt/fan/set/fan_mode", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(fan, { type: "turn_on" }), state("ON"));
  assert.deepEqual(encodeAction(fan, { type: "turn_off" }), state("OFF"));
  // ceil(0 + 4 * pct / 100): 50 → 2 "medium", 10 → ceil(0.4) = 1 "low", 100 → 4 "on", 0 → "off".
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 50 }), mode("medium"));
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 10 }), mode("low"));
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 75 }), mode("high"));
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 100 }), mode("on"));
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 0 }), mode("off"));
  assert.deepEqual(encodeAction(fan, { type: "set_preset_mode", preset_mode: "smart" }), mode("smart"));
  assert.throws(() => encodeAction(fan, { type: "set_preset_mode", preset_mode: "turbo" }), /preset "turbo" is not one of "smart"/);
});

test("default speed range 1..100 sends the percentage; payloads and templates", () => {
  const fan = makeEntity("fan", "bedroom_fan", {
    command_topic: "bedroom/fan/set",
    payload_on: "true",
    payload_off: "false",
    percentage_command_topic: "bedroom/fan/speed/set",
    qos: 1,
  });
  const msg = (topic: string, payload: string) => [{ topic, payload, qos: 1, retain: false }];
  assert.deepEqual(encodeAction(fan, { type: "set_percentage", percentage: 33 }), msg("bedroom/fan/speed/set", "33"));
  assert.deepEqual(encodeAction(fan, { type: "turn_on" }), msg("bedroom/fan/set", "true"));
  assert.deepEqual(encodeAction({ ...fan, state: "on" }, { type: "toggle" }), msg("bedroom/fan/set", "false"));
  assert.throws(() => encodeAction(fan, { type: "set_preset_mode", preset_mode: "auto" }), /preset "auto" is not one of \(none\)/);
});

test("fan.turn_on with a percentage or preset (HassFanSetSpeed): the on payload first, then the speed or preset", () => {
  const fan = makeEntity("fan", "ceiling", {
    command_topic: "fan/set", percentage_command_topic: "fan/speed/set", speed_range_max: 3, preset_mode_command_topic: "fan/preset/set", preset_modes: ["auto", "sleep"],
  });
  const msg = (topic: string, payload: string) => ({ topic, payload, qos: 0, retain: false });
  assert.deepEqual(encodeAction(fan, { type: "turn_on", percentage: 50 }), [msg("fan/set", "ON"), msg("fan/speed/set", "2")]);
  assert.deepEqual(encodeAction(fan, { type: "turn_on", percentage: 100 }), [msg("fan/set", "ON"), msg("fan/speed/set", "3")]);
  assert.deepEqual(encodeAction(fan, { type: "turn_on", preset_mode: "sleep" }), [msg("fan/set", "ON"), msg("fan/preset/set", "sleep")]);
  assert.deepEqual(encodeAction(fan, { type: "turn_on", percentage: 0 }), [msg("fan/set", "ON")], "HA tests `if percentage`: 0 adds nothing");
  assert.throws(() => encodeAction(fan, { type: "turn_on", preset_mode: "turbo" }), /preset "turbo" is not one of "auto", "sleep"/);
  const speedOnly = makeEntity("fan", "vent", { percentage_command_topic: "vent/speed" });
  assert.deepEqual(encodeAction(speedOnly, { type: "turn_on", percentage: 40 }), [msg("vent/speed", "40")], "no command_topic: only the speed");
});
