import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

// The template-schema example shape from HA's MQTT light documentation, for a light that takes CSV.
const config = {
  schema: "template",
  command_topic: "home/rgb1/set",
  state_topic: "home/rgb1/status",
  command_on_template: "on,{{ brightness|d }},{{ red|d }}-{{ green|d }}-{{ blue|d }},{{ color_temp|d }}",
  command_off_template: "off",
  state_template: "{{ value.split(',')[0] }}",
  brightness_template: "{{ value.split(',')[1] }}",
  color_temp_template: "{{ value.split(',')[2] }}",
  red_template: "{{ value.split(',')[3].split('-')[0] }}",
  green_template: "{{ value.split(',')[3].split('-')[1] }}",
  blue_template: "{{ value.split(',')[3].split('-')[2] }}",
};
const msg = (payload: string) => [{ topic: "home/rgb1/set", payload, qos: 0, retain: false }];

test("template light renders command_on_template with brightness, rgb and mireds", () => {
  const light = makeEntity("light", "rgb1", config);
  assert.deepEqual(encodeAction(light, { type: "turn_on" }), msg("on,,--,"));
  assert.deepEqual(encodeAction(light, { type: "turn_off" }), msg("off"));
  assert.deepEqual(encodeAction(light, { type: "light_set", brightness_pct: 50 }), msg("on,128,--,"));
  // RGB goes through HS (the template schema's colour mode) and back: (255,128,0) stays (255,128,0).
  assert.deepEqual(encodeAction(light, { type: "light_set", rgb: [255, 128, 0] }), msg("on,,255-128-0,"));
  assert.deepEqual(encodeAction(light, { type: "light_set", color_temp_kelvin: 4000 }), msg("on,,--,250"));
});

test("without a brightness state template the colour carries the brightness", () => {
  const light = makeEntity("light", "rgb1", { ...config, brightness_template: undefined });
  // 50 % → 128; v = 128/255*100 % → (128, 64, 0).
  assert.deepEqual(encodeAction(light, { type: "light_set", rgb: [255, 128, 0], brightness_pct: 50 }), msg("on,128,128-64-0,"));
});

test("a template light without its templates is refused", () => {
  const light = makeEntity("light", "rgb1", { ...config, command_off_template: undefined });
  assert.throws(() => encodeAction(light, { type: "turn_off" }), /needs command_off_template/);
});
