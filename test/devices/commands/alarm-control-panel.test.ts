import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("arm and disarm with default payloads and no code", () => {
  const panel = makeEntity("alarm_control_panel", "house", { command_topic: "alarm/set", code_arm_required: false, code_disarm_required: false });
  const msg = (payload: string) => [{ topic: "alarm/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(panel, { type: "alarm_arm", mode: "away" }), msg("ARM_AWAY"));
  assert.deepEqual(encodeAction(panel, { type: "alarm_arm", mode: "night" }), msg("ARM_NIGHT"));
  assert.deepEqual(encodeAction(panel, { type: "alarm_disarm" }), msg("DISARM"));
});

test("a fixed code must match; REMOTE_CODE passes the user's code to the template", () => {
  const fixed = makeEntity("alarm_control_panel", "house", { command_topic: "alarm/set", code: "1234" });
  assert.throws(() => encodeAction(fixed, { type: "alarm_disarm" }), /requires a code/);
  assert.throws(() => encodeAction(fixed, { type: "alarm_disarm", code: "0000" }), /the code is wrong/);
  assert.deepEqual(encodeAction(fixed, { type: "alarm_disarm", code: "1234" }), [{ topic: "alarm/set", payload: "DISARM", qos: 0, retain: false }]);
  // As Zigbee2MQTT-style keypads expect: JSON with the action and the code.
  const remote = makeEntity("alarm_control_panel", "keypad", {
    command_topic: "zigbee2mqtt/keypad/set",
    code: "REMOTE_CODE",
    command_template: '{"arm_mode": {"mode": "{{ action | lower }}", "code": "{{ code }}"}}',
    payload_arm_home: "ARM_DAY_ZONES",
    supported_features: ["arm_home", "arm_away"],
    qos: 1,
  });
  assert.deepEqual(encodeAction(remote, { type: "alarm_arm", mode: "home", code: "9876" }), [
    { topic: "zigbee2mqtt/keypad/set", payload: '{"arm_mode": {"mode": "arm_day_zones", "code": "9876"}}', qos: 1, retain: false },
  ]);
  assert.throws(() => encodeAction(remote, { type: "alarm_arm", mode: "night", code: "9876" }), /does not support arm_night/);
});
