import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("select sends the option and refuses one not in options", () => {
  // As Zigbee2MQTT announces a TRV's select (e.g. `force`), with a command_template.
  const force = makeEntity("select", "trv_force", {
    command_topic: "zigbee2mqtt/trv/set/force",
    options: ["normal", "open", "close"],
    state_topic: "zigbee2mqtt/trv",
    value_template: "{{ value_json.force }}",
  });
  assert.deepEqual(encodeAction(force, { type: "select_option", option: "open" }), [{ topic: "zigbee2mqtt/trv/set/force", payload: "open", qos: 0, retain: false }]);
  assert.throws(() => encodeAction(force, { type: "select_option", option: "boost" }), /option "boost" is not one of "normal", "open", "close"/);
  const templated = makeEntity("select", "mode", { command_topic: "m/set", options: ["a", "b"], command_template: '{"mode":"{{ value }}"}' });
  assert.deepEqual(encodeAction(templated, { type: "select_option", option: "b" }), [{ topic: "m/set", payload: '{"mode":"b"}', qos: 0, retain: false }]);
});
