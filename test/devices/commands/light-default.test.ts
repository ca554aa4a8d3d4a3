import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

// A Tasmota RGBCCT bulb as its legacy (SetOption19) discovery announces it, keys expanded:
// Dimmer 0..100 on its own topic, on_command_type brightness, CT in mireds, Color2 takes "r,g,b".
const tasmota = {
  name: "Tasmota Bulb",
  command_topic: "cmnd/tasmota_5A1B2C/POWER",
  state_topic: "tele/tasmota_5A1B2C/STATE",
  value_template: "{{value_json.POWER}}",
  payload_off: "OFF",
  payload_on: "ON",
  brightness_command_topic: "cmnd/tasmota_5A1B2C/Dimmer",
  brightness_state_topic: "tele/tasmota_5A1B2C/STATE",
  brightness_scale: 100,
  on_command_type: "brightness",
  brightness_value_template: "{{value_json.Dimmer}}",
  color_temp_command_topic: "cmnd/tasmota_5A1B2C/CT",
  color_temp_state_topic: "tele/tasmota_5A1B2C/STATE",
  color_temp_value_template: "{{value_json.CT}}",
  rgb_command_topic: "cmnd/tasmota_5A1B2C/Color2",
  rgb_state_topic: "tele/tasmota_5A1B2C/STATE",
  rgb_value_template: "{{value_json.Color.split(',')[0:3]|join(',')}}",
  unique_id: "5A1B2C_LI_1",
};
const m = (topic: string, payload: string) => ({ topic: `cmnd/tasmota_5A1B2C/${topic}`, payload, qos: 0, retain: false });

test("Tasmota bulb: on_command_type brightness sends the Dimmer instead of POWER ON", () => {
  const bulb = makeEntity("light", "tasmota_bulb", tasmota);
  assert.deepEqual(encodeAction(bulb, { type: "turn_on" }), [m("Dimmer", "100")]);
  // The last known brightness (HA 0..255) is restored: 128 → round(50.2) = 50.
  const dimmed = makeEntity("light", "tasmota_bulb", tasmota, { attributes: { brightness: 128 } });
  assert.deepEqual(encodeAction(dimmed, { type: "turn_on" }), [m("Dimmer", "50")]);
  assert.deepEqual(encodeAction(bulb, { type: "turn_off" }), [m("POWER", "OFF")]);
  // 30 % → round(76.5) = 76 (half to even) → round(29.8) = 30.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", brightness_pct: 30 }), [m("Dimmer", "30")]);
  // Colour unscaled (own brightness topic), then brightness; order as HA publishes.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", rgb: [255, 128, 0], brightness_pct: 100 }), [m("Color2", "255,128,0"), m("Dimmer", "100")]);
  assert.deepEqual(encodeAction(bulb, { type: "light_set", color_temp_kelvin: 2700 }), [m("Dimmer", "100"), m("CT", "370")]);
  // Default mireds range is 153..500: 10000 K is clamped to 6535 K → 153 mireds.
  assert.deepEqual(encodeAction(bulb, { type: "light_set", color_temp_kelvin: 10000 }), [m("Dimmer", "100"), m("CT", "153")]);
});

test("on_command_type last and first place POWER ON after or before the attributes", () => {
  const last = makeEntity("light", "b", { ...tasmota, on_command_type: "last" });
  assert.deepEqual(encodeAction(last, { type: "light_set", brightness_pct: 50 }), [m("Dimmer", "50"), m("POWER", "ON")]);
  assert.deepEqual(encodeAction(last, { type: "turn_on" }), [m("POWER", "ON")]);
  const first = makeEntity("light", "b", { ...tasmota, on_command_type: "first" });
  assert.deepEqual(encodeAction(first, { type: "light_set", brightness_pct: 50 }), [m("POWER", "ON"), m("Dimmer", "50")]);
  const noType = makeEntity("light", "b", { ...tasmota, on_command_type: undefined });
  assert.deepEqual(encodeAction(noType, { type: "light_set", brightness_pct: 100 }), [m("Dimmer", "100"), m("POWER", "ON")]);
});

test("templates, kelvin, hs and xy topics, custom payloads, qos and retain", () => {
  const config = {
    command_topic: "home/lamp/set",
    payload_on: "1",
    payload_off: "0",
    brightness_command_topic: "home/lamp/brightness/set",
    brightness_command_template: '{"bri": {{ value }}}',
    color_temp_command_topic: "home/lamp/ct/set",
    color_temp_kelvin: true,
    min_kelvin: 2700,
    max_kelvin: 6500,
    color_temp_command_template: "{{ value }}K",
    hs_command_topic: "home/lamp/hs/set",
    qos: 1,
    retain: true,
  };
  const lamp = makeEntity("light", "lamp", config);
  const msg = (topic: string, payload: string) => ({ topic, payload, qos: 1, retain: true });
  assert.deepEqual(encodeAction(lamp, { type: "turn_off" }), [msg("home/lamp/set", "0")]);
  assert.deepEqual(encodeAction(lamp, { type: "light_set", brightness_pct: 50 }), [msg("home/lamp/brightness/set", '{"bri": 128}'), msg("home/lamp/set", "1")]);
  assert.deepEqual(encodeAction(lamp, { type: "light_set", color_temp_kelvin: 2000 }), [msg("home/lamp/ct/set", "2700K"), msg("home/lamp/set", "1")]);
  // RGB on an HS light: HA converts with colorsys and sends "hue,sat" as Python floats.
  assert.deepEqual(encodeAction(lamp, { type: "light_set", rgb: [255, 128, 0] }), [msg("home/lamp/hs/set", "30.118,100.0"), msg("home/lamp/set", "1")]);
  const xy = makeEntity("light", "lamp", { command_topic: "l/set", xy_command_topic: "l/xy", xy_command_template: "{{ x }} {{ y }}" });
  assert.deepEqual(encodeAction(xy, { type: "light_set", rgb: [0, 0, 255] }), [
    { topic: "l/xy", payload: "0.136 0.04", qos: 0, retain: false },
    { topic: "l/set", payload: "ON", qos: 0, retain: false },
  ]);
});

test("RGB light without a brightness topic dims by scaling its colour", () => {
  const strip = makeEntity("light", "strip", {
    command_topic: "strip/set",
    rgb_command_topic: "strip/rgb",
    rgb_command_template: "{{ red }}-{{ green }}-{{ blue }}",
  }, { attributes: { rgb_color: [255, 128, 0] } });
  const msg = (topic: string, payload: string) => ({ topic, payload, qos: 0, retain: false });
  // 50 % → 128: 255*128/255 = 128, 128*128/255 = 64.25 → 64.
  assert.deepEqual(encodeAction(strip, { type: "light_set", brightness_pct: 50 }), [msg("strip/rgb", "128-64-0"), msg("strip/set", "ON")]);
  assert.deepEqual(encodeAction(strip, { type: "light_set", rgb: [0, 0, 255], brightness_pct: 50 }), [msg("strip/rgb", "0-0-128"), msg("strip/set", "ON")]);
});

test("an on/off-only light refuses brightness; a missing command topic is named", () => {
  const plain = makeEntity("light", "plain", { command_topic: "p/set" });
  assert.throws(() => encodeAction(plain, { type: "light_set", brightness_pct: 40 }), /light\.plain: cannot light_set: the light has no brightness control/);
  const noTopic = makeEntity("light", "nt", { state_topic: "p/state" });
  assert.throws(() => encodeAction(noTopic, { type: "turn_on" }), /no command_topic in its discovery config/);
});
