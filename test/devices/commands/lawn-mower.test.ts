/** HA's MQTT lawn mower: one topic and template per command, the command's name as the value. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("lawn mower: without templates the payload is the command's name", () => {
  const mower = makeEntity("lawn_mower", "mowbot", { start_mowing_command_topic: "mower/start", pause_command_topic: "mower/pause", dock_command_topic: "mower/dock" });
  assert.deepEqual(encodeAction(mower, { type: "start_mowing" }), [{ topic: "mower/start", payload: "start_mowing", qos: 0, retain: false }]);
  assert.deepEqual(encodeAction(mower, { type: "pause" }), [{ topic: "mower/pause", payload: "pause", qos: 0, retain: false }]);
  assert.deepEqual(encodeAction(mower, { type: "dock" }), [{ topic: "mower/dock", payload: "dock", qos: 0, retain: false }]);
});

test("lawn mower: each command's own template, rendered with value and entity_id", () => {
  const mower = makeEntity("lawn_mower", "mowbot", {
    start_mowing_command_topic: "mower/set", start_mowing_command_template: '{"activity": "{{ value }}"}',
    dock_command_topic: "mower/set", dock_command_template: '{"cmd": "{{ value | upper }}", "id": "{{ entity_id }}"}', retain: true,
  });
  assert.deepEqual(encodeAction(mower, { type: "start_mowing" }), [{ topic: "mower/set", payload: '{"activity": "start_mowing"}', qos: 0, retain: true }]);
  assert.deepEqual(encodeAction(mower, { type: "dock" }), [{ topic: "mower/set", payload: '{"cmd": "DOCK", "id": "lawn_mower.mowbot"}', qos: 0, retain: true }]);
});

test("lawn mower: a command without its topic, or another action, is refused", () => {
  const mower = makeEntity("lawn_mower", "mowbot", { start_mowing_command_topic: "mower/start" });
  assert.throws(() => encodeAction(mower, { type: "dock" }), /no dock_command_topic in its discovery config, so it cannot dock/);
  assert.throws(() => encodeAction(mower, { type: "pause" }), /no pause_command_topic/);
  assert.throws(() => encodeAction(mower, { type: "turn_off" }), /a lawn mower can only start mowing, pause or dock/);
});
