import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

test("Zigbee2MQTT double wall switch, left rocker", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const left = entityFromDiscovery("12_z2m-2.12.1_wall-switch_switch-left.json");
  assert.equal(left.id, "switch.wall_switch_double_left");
  const msg = (payload: string) => [{ topic: "zigbee2mqtt/wall_switch_double/left/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(left, { type: "turn_on" }), msg("ON"));
  assert.deepEqual(encodeAction(left, { type: "turn_off" }), msg("OFF"));
  assert.deepEqual(encodeAction({ ...left, state: "on" }, { type: "toggle" }), msg("OFF"));
  assert.throws(() => encodeAction(left, { type: "open" }), /switch\.wall_switch_double_left: cannot open: a switch can only turn on, turn off or toggle/);
});

test("Shelly 1 relay (shellies-discovery, abbreviated with ~): lower-case payloads", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const relay = entityFromDiscovery("07_shelly1-gen1_via-shellies-discovery_switch-relay.json");
  const msg = (payload: string) => [{ topic: "shellies/shelly1-40F52000CC66/relay/0/command", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(relay, { type: "turn_on" }), msg("on"));
  assert.deepEqual(encodeAction(relay, { type: "turn_off" }), msg("off"));
});

test("command_template wraps the payload", () => {
  const sw = makeEntity("switch", "heater", { command_topic: "heater/set", command_template: '{"power": "{{ value }}"}', retain: true, qos: 2 });
  assert.deepEqual(encodeAction(sw, { type: "turn_on" }), [{ topic: "heater/set", payload: '{"power": "ON"}', qos: 2, retain: true }]);
});
