import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("button publishes payload_press (default PRESS) through command_template", () => {
  // As ESPHome announces a restart button.
  const restart = makeEntity("button", "garage_node_restart", {
    name: "Restart",
    command_topic: "garage-node/button/restart/command",
    device_class: "restart",
    entity_category: "config",
  });
  assert.deepEqual(encodeAction(restart, { type: "press" }), [{ topic: "garage-node/button/restart/command", payload: "PRESS", qos: 0, retain: false }]);
  const custom = makeEntity("button", "doorbell", { command_topic: "bell/cmd", payload_press: "ring", command_template: '{"action":"{{ value }}"}' });
  assert.deepEqual(encodeAction(custom, { type: "press" }), [{ topic: "bell/cmd", payload: '{"action":"ring"}', qos: 0, retain: false }]);
  assert.throws(() => encodeAction(custom, { type: "turn_off" }), /a button can only be pressed/);
});
