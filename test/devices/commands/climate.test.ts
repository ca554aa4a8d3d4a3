import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

const TRV = "14_z2m-2.12.1_tuya-trv_climate.json";
const base = "zigbee2mqtt/TS0601_thermostat/set";
const m = (suffix: string, payload: string) => ({ topic: `${base}/${suffix}`, payload, qos: 0, retain: false });

test("Zigbee2MQTT Tuya TRV: setpoint as Python float, snapped to temp_step 0.5, range 5..35", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const trv = entityFromDiscovery(TRV);
  assert.equal(trv.id, "climate.ts0601_thermostat");
  assert.deepEqual(encodeAction(trv, { type: "set_temperature", temperature: 21 }), [m("current_heating_setpoint", "21.0")]);
  assert.deepEqual(encodeAction(trv, { type: "set_temperature", temperature: 21.5 }), [m("current_heating_setpoint", "21.5")]);
  assert.deepEqual(encodeAction(trv, { type: "set_temperature", temperature: 21.3 }), [m("current_heating_setpoint", "21.5")]);
  // 21.25 / 0.5 = 42.5 → 42 (half to even) → 21.0.
  assert.deepEqual(encodeAction(trv, { type: "set_temperature", temperature: 21.25 }), [m("current_heating_setpoint", "21.0")]);
  assert.throws(() => encodeAction(trv, { type: "set_temperature", temperature: 40 }), /temperature 40 is outside 5\.0\.\.35\.0 °C/);
  assert.deepEqual(encodeAction(trv, { type: "set_temperature", temperature: 19, hvac_mode: "heat" }), [m("system_mode", "heat"), m("current_heating_setpoint", "19.0")]);
  assert.throws(() => encodeAction(trv, { type: "set_temperature", target_temp_low: 18, target_temp_high: 22 }), /no temperature_low_command_topic/);
});

test("Zigbee2MQTT Tuya TRV: HVAC modes, presets, turn on/off through modes", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const trv = entityFromDiscovery(TRV);
  assert.deepEqual(encodeAction(trv, { type: "set_hvac_mode", hvac_mode: "auto" }), [m("system_mode", "auto")]);
  assert.throws(() => encodeAction(trv, { type: "set_hvac_mode", hvac_mode: "cool" }), /HVAC mode "cool" is not one of heat, auto, off/);
  assert.deepEqual(encodeAction(trv, { type: "set_preset_mode", preset_mode: "eco" }), [m("preset", "eco")]);
  assert.throws(() => encodeAction(trv, { type: "set_preset_mode", preset_mode: "turbo" }), /preset "turbo" is not one of/);
  assert.deepEqual(encodeAction(trv, { type: "turn_off" }), [m("system_mode", "off")]);
  assert.deepEqual(encodeAction(trv, { type: "turn_on" }), [m("system_mode", "heat")]);
});

test("heat/cool unit: range, templates, power topic, Fahrenheit defaults", () => {
  const config = {
    mode_command_topic: "ac/mode/set",
    mode_command_template: "{{ value | upper }}",
    modes: ["off", "heat", "cool", "heat_cool"],
    temperature_low_command_topic: "ac/low/set",
    temperature_high_command_topic: "ac/high/set",
    temperature_high_command_template: '{"high": {{ value }}}',
    power_command_topic: "ac/power/set",
    payload_on: "1",
    payload_off: "0",
    temp_step: 0.1,
    retain: true,
  };
  const ac = makeEntity("climate", "living_room_ac", config);
  const msg = (topic: string, payload: string) => ({ topic, payload, qos: 0, retain: true });
  assert.deepEqual(encodeAction(ac, { type: "set_temperature", target_temp_low: 19.96, target_temp_high: 24.2 }), [
    msg("ac/low/set", "20.0"),
    msg("ac/high/set", '{"high": 24.2}'),
  ]);
  assert.deepEqual(encodeAction(ac, { type: "set_hvac_mode", hvac_mode: "heat_cool" }), [msg("ac/mode/set", "HEAT_COOL")]);
  assert.deepEqual(encodeAction(ac, { type: "turn_on" }), [msg("ac/power/set", "1")]);
  assert.deepEqual(encodeAction(ac, { type: "turn_off" }), [msg("ac/power/set", "0")]);
  assert.throws(() => encodeAction(ac, { type: "set_temperature", target_temp_low: 25, target_temp_high: 20 }), /low temperature 25 is above high temperature 20/);
  const f = makeEntity("climate", "f", { temperature_command_topic: "f/t", temperature_unit: "F" });
  assert.deepEqual(encodeAction(f, { type: "set_temperature", temperature: 70 }), [{ topic: "f/t", payload: "70.0", qos: 0, retain: false }]);
  assert.throws(() => encodeAction(f, { type: "set_temperature", temperature: 20 }), /outside 44\.6\.\.95\.0 °F/);
  // HA's turn_on fallback: with modes [off, cool] the other mode.
  const coolOnly = makeEntity("climate", "c", { mode_command_topic: "c/mode", modes: ["off", "fan_only"] });
  assert.deepEqual(encodeAction(coolOnly, { type: "turn_on" }), [{ topic: "c/mode", payload: "fan_only", qos: 0, retain: false }]);
});
