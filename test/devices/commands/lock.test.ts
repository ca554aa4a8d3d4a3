import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeAction } from "../../../devices/commands/encode.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

// As Zigbee2MQTT announces a lock (e.g. Yale / Danalock): LOCK/UNLOCK on the device's set topic.
const z2mLock = {
  command_topic: "zigbee2mqtt/front_door/set",
  state_topic: "zigbee2mqtt/front_door",
  value_template: "{{ value_json.state }}",
  payload_lock: "LOCK",
  payload_unlock: "UNLOCK",
  state_locked: "LOCK",
  state_unlocked: "UNLOCK",
  command_template: '{"state": "{{ value }}"}',
};

test("lock and unlock, command_template with value", () => {
  const lock = makeEntity("lock", "front_door", z2mLock);
  const msg = (payload: string) => [{ topic: "zigbee2mqtt/front_door/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(lock, { type: "lock" }), msg('{"state": "LOCK"}'));
  assert.deepEqual(encodeAction(lock, { type: "unlock" }), msg('{"state": "UNLOCK"}'));
  assert.throws(() => encodeAction(lock, { type: "open" }), /no payload_open in its discovery config/);
});

test("defaults, open when payload_open is configured, code_format refused", () => {
  const plain = makeEntity("lock", "shed", { command_topic: "shed/lock/set", payload_open: "UNLATCH" });
  const msg = (payload: string) => [{ topic: "shed/lock/set", payload, qos: 0, retain: false }];
  assert.deepEqual(encodeAction(plain, { type: "lock" }), msg("LOCK"));
  assert.deepEqual(encodeAction(plain, { type: "unlock" }), msg("UNLOCK"));
  assert.deepEqual(encodeAction(plain, { type: "open" }), msg("UNLATCH"));
  const coded = makeEntity("lock", "safe", { command_topic: "safe/set", code_format: "^\\d{4}$" });
  assert.throws(() => encodeAction(coded, { type: "unlock" }), /requires a code/);
});
