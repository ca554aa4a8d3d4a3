/** The state HA assumes after a command when the device does not report it (HA's optimistic mode). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { optimisticUpdate } from "../../../devices/commands/optimistic.ts";
import { makeEntity } from "../../helpers/discovery-fixtures.ts";

test("lawn mower: the activity is assumed without an activity topic or with optimistic: true", () => {
  const blind = makeEntity("lawn_mower", "m", { start_mowing_command_topic: "m/start", dock_command_topic: "m/dock" });
  assert.deepEqual(optimisticUpdate(blind, { type: "start_mowing" }), { state: "mowing" });
  assert.deepEqual(optimisticUpdate(blind, { type: "dock" }), { state: "docked" });
  const reporting = makeEntity("lawn_mower", "m", { start_mowing_command_topic: "m/start", activity_state_topic: "m/state" });
  assert.equal(optimisticUpdate(reporting, { type: "start_mowing" }), undefined);
  assert.deepEqual(optimisticUpdate(makeEntity("lawn_mower", "m", { ...reporting.config, optimistic: true }), { type: "pause" }), { state: "paused" });
});

test("humidifier: power, target humidity and mode each assumed only when their own state topic is absent", () => {
  const blind = makeEntity("humidifier", "h", { command_topic: "h/set", target_humidity_command_topic: "h/t", mode_command_topic: "h/m", modes: ["eco"] });
  assert.deepEqual(optimisticUpdate(blind, { type: "turn_off" }), { state: "off" });
  assert.deepEqual(optimisticUpdate({ ...blind, state: "off" }, { type: "toggle" }), { state: "on" });
  assert.deepEqual(optimisticUpdate(blind, { type: "set_humidity", humidity: 45, turn_on_first: true }), { state: "on", attributes: { humidity: 45 } });
  assert.deepEqual(optimisticUpdate(blind, { type: "set_mode", mode: "eco" }), { attributes: { mode: "eco" } });
  const partly = makeEntity("humidifier", "h", { ...blind.config, state_topic: "h/state", target_humidity_state_topic: "h/t/state" });
  assert.equal(optimisticUpdate(partly, { type: "turn_on" }), undefined);
  assert.equal(optimisticUpdate(partly, { type: "set_humidity", humidity: 45, turn_on_first: true }), undefined);
  assert.deepEqual(optimisticUpdate(partly, { type: "set_mode", mode: "eco" }), { attributes: { mode: "eco" } });
});

test("water heater and siren; a vacuum and other platforms wait for the device", () => {
  const heater = makeEntity("water_heater", "w", { mode_command_topic: "w/m", temperature_command_topic: "w/t", temperature_state_topic: "w/t/state" });
  assert.deepEqual(optimisticUpdate(heater, { type: "set_operation_mode", operation_mode: "eco" }), { state: "eco" });
  assert.equal(optimisticUpdate(heater, { type: "set_temperature", temperature: 50 }), undefined);
  assert.deepEqual(optimisticUpdate(makeEntity("siren", "s", { command_topic: "s/set" }), { type: "turn_on", tone: "fire" }), { state: "on" });
  assert.equal(optimisticUpdate(makeEntity("siren", "s", { command_topic: "s/set", state_topic: "s/state" }), { type: "turn_on" }), undefined);
  assert.equal(optimisticUpdate(makeEntity("vacuum", "v", { command_topic: "v/cmd" }), { type: "start" }), undefined);
  assert.equal(optimisticUpdate(makeEntity("switch", "p", { command_topic: "p/set" }), { type: "turn_on" }), undefined);
});
