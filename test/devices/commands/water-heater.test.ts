/** HA's MQTT water heater: temperature as str(float) or through its template, operation modes, power. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

const msg = (topic: string, payload: string) => ({ topic, payload, qos: 0, retain: false });

test("water heater: temperature as Python's str(float), within HA's default 43.3..60 °C", () => {
  const heater = makeEntity("water_heater", "tank", { temperature_command_topic: "tank/temp/set", mode_command_topic: "tank/mode/set", power_command_topic: "tank/power/set" });
  assert.deepEqual(encodeAction(heater, { type: "set_temperature", temperature: 50 }), [msg("tank/temp/set", "50.0")]);
  assert.deepEqual(encodeAction(heater, { type: "set_temperature", temperature: 55.5 }), [msg("tank/temp/set", "55.5")]);
  assert.throws(() => encodeAction(heater, { type: "set_temperature", temperature: 40 }), /temperature 40 is outside 43\.3\.\.60\.0 °C/);
  assert.deepEqual(encodeAction(heater, { type: "set_operation_mode", operation_mode: "heat_pump" }), [msg("tank/mode/set", "heat_pump")]);
  assert.throws(() => encodeAction(heater, { type: "set_operation_mode", operation_mode: "turbo" }), /operation mode "turbo" is not one of eco, electric, gas, heat_pump, high_demand, performance, off/);
  assert.deepEqual(encodeAction(heater, { type: "turn_on" }), [msg("tank/power/set", "ON")]);
  assert.deepEqual(encodeAction(heater, { type: "turn_off" }), [msg("tank/power/set", "OFF")]);
});

test("water heater: templates, own modes and range, °F defaults, and the refusals", () => {
  const heater = makeEntity("water_heater", "boiler", {
    temperature_command_topic: "boiler/set", temperature_command_template: '{"setpoint": {{ value }}}', mode_command_topic: "boiler/set",
    mode_command_template: '{"mode": "{{ value }}"}', modes: ["eco", "boost", "off"], min_temp: 30, max_temp: 75, payload_on: "on",
  });
  assert.deepEqual(encodeAction(heater, { type: "set_temperature", temperature: 35 }), [msg("boiler/set", '{"setpoint": 35}')]);
  assert.deepEqual(encodeAction(heater, { type: "set_operation_mode", operation_mode: "boost" }), [msg("boiler/set", '{"mode": "boost"}')]);
  assert.throws(() => encodeAction(heater, { type: "turn_on" }), /no power_command_topic in its discovery config, so it cannot be turned on/);
  assert.throws(() => encodeAction(heater, { type: "set_temperature", target_temp_low: 40, target_temp_high: 50 }), /takes one target temperature, not a range/);
  assert.throws(() => encodeAction(heater, { type: "toggle" }), /a water heater can only set a temperature or an operation mode, or turn on\/off/);
  const us = makeEntity("water_heater", "us", { temperature_command_topic: "us/set", temperature_unit: "F" });
  assert.deepEqual(encodeAction(us, { type: "set_temperature", temperature: 120 }), [msg("us/set", "120.0")]);
  assert.throws(() => encodeAction(us, { type: "set_temperature", temperature: 150 }), /temperature 150 is outside 110\.0\.\.140\.0 °F/);
});
