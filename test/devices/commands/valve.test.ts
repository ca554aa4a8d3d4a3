import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("an open/close water valve", () => {
  const valve = makeEntity("valve", "garden_water", { command_topic: "garden/valve/set", state_topic: "garden/valve" });
  const msg = (payload: string) => [{ topic: "garden/valve/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(valve, { type: "open" }), msg("OPEN"));
  assert.deepEqual(encodeAction(valve, { type: "turn_off" }), msg("CLOSE"));
  assert.throws(() => encodeAction(valve, { type: "stop" }), /no payload_stop/);
  assert.throws(() => encodeAction(valve, { type: "set_position", position: 50 }), /does not report a position/);
});

test("a valve that reports its position: percentage_to_ranged_value onto (closed + 1, open)", () => {
  const valve = makeEntity("valve", "radiator", {
    command_topic: "radiator/valve/set",
    reports_position: true,
    position_closed: 0,
    position_open: 255,
    command_template: '{"position": {{ value }}, "percent": {{ position }}}',
    payload_stop: "STOP",
  });
  const msg = (payload: string) => [{ topic: "radiator/valve/set", payload, qos: 0, retain: false }];
  // 0 + 255 * 40 / 100 = 102.
  assert.deepEqual(encodeAction(valve, { type: "set_position", position: 40 }), msg('{"position": 102, "percent": 40}'));
  // HA's defaults payload_open/payload_close also apply to position valves.
  assert.deepEqual(encodeAction(valve, { type: "open" }), msg('{"position": OPEN, "percent": }'));
  assert.deepEqual(encodeAction(valve, { type: "stop" }), msg('{"position": STOP, "percent": }'));
  const nullPayloads = makeEntity("valve", "v", { command_topic: "v/set", reports_position: true, payload_open: null, payload_close: null });
  assert.deepEqual(encodeAction(nullPayloads, { type: "open" }), [{ topic: "v/set", payload: "100", qos: 0, retain: false }]);
  assert.deepEqual(encodeAction(nullPayloads, { type: "close" }), [{ topic: "v/set", payload: "0", qos: 0, retain: false }]);
});
