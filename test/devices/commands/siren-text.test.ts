/** HA's siren and text platforms: exact topics and payloads, and the refusals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("siren: JSON of the state and the supported options without a template, templates when given", () => {
  const siren = makeEntity("siren", "alarm", { command_topic: "z2m/alarm/set", available_tones: ["fire", "burglar"], support_duration: true, support_volume_set: true });
  const msg = (payload: string) => [{ topic: "z2m/alarm/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(siren, { type: "turn_on" }), msg('{"state":"ON"}'));
  assert.deepEqual(encodeAction(siren, { type: "turn_on", tone: "fire", duration: 10, volume_level: 1 }), msg('{"state":"ON","tone":"fire","volume_level":1.0,"duration":10}'));
  assert.deepEqual(encodeAction(siren, { type: "turn_off" }), msg('{"state":"OFF"}'));
  assert.throws(() => encodeAction(siren, { type: "turn_on", tone: "doorbell" }), /tone "doorbell" is not one of "fire", "burglar"/);
  assert.throws(() => encodeAction(siren, { type: "turn_on", volume_level: 2 }), /volume_level 2 is outside 0\.\.1/);
  const quiet = makeEntity("siren", "chime", { command_topic: "chime/set", support_volume_set: false, support_duration: false });
  assert.deepEqual(encodeAction(quiet, { type: "turn_on", volume_level: 0.5, duration: 3 }), [{ topic: "chime/set", payload: '{"state":"ON"}', qos: 0, retain: false }], "unsupported options are dropped, as HA drops them");
  const templated = makeEntity("siren", "bell", { command_topic: "bell/set", command_template: "{{ value }}:{{ tone }}", command_off_template: "stop", available_tones: ["ding"] });
  assert.deepEqual(encodeAction(templated, { type: "turn_on", tone: "ding" }), [{ topic: "bell/set", payload: "ON:ding", qos: 0, retain: false }]);
  assert.deepEqual(encodeAction(templated, { type: "turn_off" }), [{ topic: "bell/set", payload: "stop", qos: 0, retain: false }]);
});

test("text: the value within min/max and the pattern, through command_template", () => {
  const text = makeEntity("text", "label", { command_topic: "dev/label/set", command_template: '{"label": "{{ value }}"}', min: 2, max: 8, pattern: "[a-z]+" });
  assert.deepEqual(encodeAction(text, { type: "set_value", value: "kitchen" }), [{ topic: "dev/label/set", payload: '{"label": "kitchen"}', qos: 0, retain: false }]);
  assert.throws(() => encodeAction(text, { type: "set_value", value: "k" }), /value of 1 characters is outside 2\.\.8/);
  assert.throws(() => encodeAction(text, { type: "set_value", value: "KITCHEN" }), /does not match pattern "\[a-z\]\+"/);
  assert.throws(() => encodeAction(text, { type: "turn_on" }), /a text entity can only be set to a value/);
});
