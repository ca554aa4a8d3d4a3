import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("number: whole values as integers, range checked, command_template", () => {
  // As ESPHome announces a number (min/max/step, plain value on the command topic).
  const volume = makeEntity("number", "speaker_volume", {
    command_topic: "speaker/number/volume/command",
    state_topic: "speaker/number/volume/state",
    min: 0,
    max: 10,
    step: 0.5,
  });
  const msg = (payload: string) => [{ topic: "speaker/number/volume/command", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(volume, { type: "set_value", value: 5 }), msg("5"));
  assert.deepEqual(encodeAction(volume, { type: "set_value", value: 7.5 }), msg("7.5"));
  assert.throws(() => encodeAction(volume, { type: "set_value", value: 11 }), /value 11 is outside 0\.0\.\.10\.0/);
  // Defaults 1..100.
  const plain = makeEntity("number", "n", { command_topic: "n/set", command_template: '{"value": {{ value }}}' });
  assert.deepEqual(encodeAction(plain, { type: "set_value", value: 42 }), [{ topic: "n/set", payload: '{"value": 42}', qos: 0, retain: false }]);
  assert.throws(() => encodeAction(plain, { type: "set_value", value: 0 }), /outside 1\.0\.\.100\.0/);
});
