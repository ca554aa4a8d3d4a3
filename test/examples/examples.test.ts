import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../../agent/config/load.ts";
import { loadCustomIntents } from "../../agent/intent/custom-intents.ts";

test("the example configs validate and say what they claim", () => {
  const config = loadConfig("examples/hearth.yaml");
  assert.equal(config.agent.id, "living-room-box");
  assert.equal(config.audio.microphones[0]!.area, "Living Room");
  assert.equal(config.cameras[0]!.fps, 5);
  assert.equal(config.rules[0]!.id, "lamp_on_arrival_after_sunset");
  assert.ok(loadConfig("examples/rules.yaml").rules.length >= 4);
});

test("the barista intents file loads with its MQTT action", () => {
  const intents = loadCustomIntents("examples/barista.yaml");
  const order = intents.intents.find((i) => i.name === "orderDrink");
  assert.ok(order && order.action && "mqtt" in order.action);
  assert.equal(order.action.mqtt.topic, "kitchen/coffee_maker/order");
});
