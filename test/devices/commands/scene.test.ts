import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("scene publishes payload_on (default ON) on activate and turn_on", () => {
  // A Zigbee2MQTT scene-style config: recall through the group's set topic.
  const movie = makeEntity("scene", "movie", { command_topic: "zigbee2mqtt/living_room/set", payload_on: '{"scene_recall": 1}' });
  const msg = [{ topic: "zigbee2mqtt/living_room/set", payload: '{"scene_recall": 1}', qos: 0, retain: false }];
  assert.deepEqual(encodeAction(movie, { type: "activate" }), msg);
  assert.deepEqual(encodeAction(movie, { type: "turn_on" }), msg);
  const plain = makeEntity("scene", "night", { command_topic: "scenes/night" });
  assert.deepEqual(encodeAction(plain, { type: "activate" }), [{ topic: "scenes/night", payload: "ON", qos: 0, retain: false }]);
  assert.throws(() => encodeAction(plain, { type: "turn_off" }), /a scene can only be activated/);
});
