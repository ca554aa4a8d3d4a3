import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

test("Zigbee2MQTT Keen smart vent: open/close/stop and set_position_template with position", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const vent = entityFromDiscovery("15_z2m-2.12.1_smart-vent_cover.json");
  assert.equal(vent.id, "cover.smart_vent");
  const msg = (payload: string) => [{ topic: "zigbee2mqtt/smart vent/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(vent, { type: "open" }), msg("OPEN"));
  assert.deepEqual(encodeAction(vent, { type: "close" }), msg("CLOSE"));
  assert.deepEqual(encodeAction(vent, { type: "stop" }), msg("STOP"));
  assert.deepEqual(encodeAction(vent, { type: "set_position", position: 40 }), msg('{ "position": 40 }'));
  assert.deepEqual(encodeAction({ ...vent, state: "closed" }, { type: "toggle" }), msg("OPEN"));
  assert.deepEqual(encodeAction({ ...vent, state: "open" }, { type: "toggle" }), msg("CLOSE"));
  assert.deepEqual(encodeAction({ ...vent, state: "opening" }, { type: "toggle" }), msg("STOP"));
  assert.throws(() => encodeAction(vent, { type: "set_position", position: 120 }), /position 120 % is outside 0\.\.100/);
});

test("position scaling onto position_closed..position_open, value in the template, null payloads", () => {
  // A roller shutter whose firmware counts 0 (open) .. 255 (closed), with STOP disabled.
  const shutter = makeEntity("cover", "bedroom_shutter", {
    command_topic: "shutter/cmd",
    set_position_topic: "shutter/pos/set",
    position_topic: "shutter/pos",
    position_open: 0,
    position_closed: 255,
    payload_stop: null,
    qos: 1,
  });
  const msg = (topic: string, payload: string) => [{ topic, payload, qos: 1, retain: false }];
  // round((0 - 255) * 0.3) + 255 = round(-76.5) + 255 = -76 + 255 = 179 (Python rounds -76.5 to -76).
  assert.deepEqual(encodeAction(shutter, { type: "set_position", position: 30 }), msg("shutter/pos/set", "179"));
  assert.deepEqual(encodeAction(shutter, { type: "set_position", position: 100 }), msg("shutter/pos/set", "0"));
  assert.deepEqual(encodeAction(shutter, { type: "close" }), msg("shutter/cmd", "CLOSE"));
  assert.throws(() => encodeAction(shutter, { type: "stop" }), /payload_stop is disabled/);
  const templated = makeEntity("cover", "c", {
    command_topic: "c/set",
    set_position_topic: "c/set",
    position_topic: "c/state",
    position_open: 200,
    set_position_template: '{"pos": {{ value }}, "pct": {{ position }}}',
  });
  assert.deepEqual(encodeAction(templated, { type: "set_position", position: 25 }), [{ topic: "c/set", payload: '{"pos": 50, "pct": 25}', qos: 0, retain: false }]);
  const openClose = makeEntity("cover", "garage", { command_topic: "garage/set", device_class: "garage" });
  assert.throws(() => encodeAction(openClose, { type: "set_position", position: 50 }), /no set_position_topic/);
});
