import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { actionFor, onOffAction, resolveIntent, STEP_PERCENT, stateQuery, steppedBrightness, steppedKelvin, type Resolution } from "../../../agent/resolve/resolver.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import type { EntityRegistry } from "../../../devices/registry.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "intents", "ha-en-fixtures.yaml");

const home = () =>
  registryWith({ Kitchen: "Ground Floor", Bedroom: "First Floor", Office: "First Floor", Hall: "Ground Floor" }, [
    entity("light.kitchen_ceiling", { name: "Kitchen Ceiling", area: "Kitchen", state: "off" }),
    entity("light.kitchen_spots", { name: "Kitchen Spots", area: "Kitchen", state: "on" }),
    entity("switch.kettle", { name: "Kettle", area: "Kitchen", state: "off" }),
    entity("light.bedroom_lamp", { name: "Lamp", area: "Bedroom", state: "off" }),
    entity("light.office_lamp", { name: "Lamp", area: "Office", state: "on" }),
    entity("cover.garage", { name: "Garage", device_class: "garage", state: "closed" }),
    entity("cover.bedroom_blinds", { name: "Blinds", area: "Bedroom", device_class: "blind", state: "open" }),
    entity("lock.front_door", { name: "Front Door", area: "Hall", state: "locked" }),
    entity("scene.movie", { name: "Movie Time" }),
    entity("button.doorbell_test", { name: "Doorbell Test" }),
    entity("valve.garden", { name: "Garden Valve", state: "closed" }),
    entity("climate.office", { name: "Office Thermostat", area: "Office", attributes: { current_temperature: 21.5, temperature_unit: "°C" } }),
    entity("sensor.kitchen_temperature", { name: "Kitchen Temperature", area: "Kitchen", device_class: "temperature", state: "19", attributes: { unit_of_measurement: "°C" } }),
  ]);

function run(registry: EntityRegistry, text: string, context: { area?: string } = {}): Resolution {
  const recognizer = new IntentRecognizer(buildSentenceSet(registry, []));
  return resolveIntent(recognizer.recognize(text, context), registry, context);
}

const targetsOf = (r: Resolution) => (r.kind === "act" ? r.targets.map((t) => `${t.entity.id}:${JSON.stringify(t.action)}`) : r);

test("domain defaults of turn on / off", () => {
  assert.deepEqual(onOffAction("cover", true), { type: "open" });
  assert.deepEqual(onOffAction("lock", true), { type: "lock" });
  assert.deepEqual(onOffAction("lock", false), { type: "unlock" });
  assert.deepEqual(onOffAction("scene", true), { type: "activate" });
  assert.equal(onOffAction("scene", false), undefined);
  assert.deepEqual(onOffAction("button", true), { type: "press" });
  assert.equal(onOffAction("sensor", true), undefined);
  const r = home();
  assert.deepEqual(targetsOf(run(r, "open the garage door")), ['cover.garage:{"type":"open"}']);
  assert.deepEqual(targetsOf(run(r, "close the blinds in the bedroom")), ['cover.bedroom_blinds:{"type":"close"}']);
  assert.deepEqual(targetsOf(run(r, "lock the front door")), ['lock.front_door:{"type":"lock"}']);
  assert.deepEqual(targetsOf(run(r, "activate movie time")), ['scene.movie:{"type":"activate"}']);
  assert.deepEqual(targetsOf(run(r, "press the doorbell test")), ['button.doorbell_test:{"type":"press"}']);
  assert.deepEqual(targetsOf(run(r, "open the garden valve")), ['valve.garden:{"type":"open"}']);
});

test("targets by area + domain, floor, and the microphone's area", () => {
  const r = home();
  assert.deepEqual(targetsOf(run(r, "turn off the kitchen lights")), ['light.kitchen_ceiling:{"type":"turn_off"}', 'light.kitchen_spots:{"type":"turn_off"}']);
  assert.deepEqual(targetsOf(run(r, "turn on the lights", { area: "Kitchen" })), ['light.kitchen_ceiling:{"type":"turn_on"}', 'light.kitchen_spots:{"type":"turn_on"}']);
  assert.deepEqual(targetsOf(run(r, "turn on the lights on the first floor")), ['light.bedroom_lamp:{"type":"turn_on"}', 'light.office_lamp:{"type":"turn_on"}']);
  assert.deepEqual(targetsOf(run(r, "set the kitchen lights to 40%")), [
    'light.kitchen_ceiling:{"type":"light_set","brightness_pct":40}',
    'light.kitchen_spots:{"type":"light_set","brightness_pct":40}',
  ]);
  assert.deepEqual(targetsOf(run(r, "set the blinds to 30 percent", { area: "Bedroom" })), ['cover.bedroom_blinds:{"type":"set_position","position":30}']);
  assert.deepEqual(targetsOf(run(r, "make the lights in the office warm white")), ['light.office_lamp:{"type":"light_set","color_temp_kelvin":2700}']);
  assert.deepEqual(targetsOf(run(r, "set the temperature in the office to 22")), ['climate.office:{"type":"set_temperature","temperature":22}']);
});

test("an ambiguous name asks which one, unless the microphone's area decides", () => {
  const r = home();
  const ask = run(r, "turn on the lamp");
  assert.equal(ask.kind, "clarify");
  if (ask.kind === "clarify") {
    assert.equal(ask.question, "Which one: Lamp in Bedroom or Lamp in Office?");
    assert.deepEqual(ask.candidates.map((e) => e.id), ["light.bedroom_lamp", "light.office_lamp"]);
  }
  assert.deepEqual(targetsOf(run(r, "turn on the lamp", { area: "Office" })), ['light.office_lamp:{"type":"turn_on"}']);
  assert.deepEqual(targetsOf(run(r, "turn on the lamp in the bedroom")), ['light.bedroom_lamp:{"type":"turn_on"}']);
  // Typed without a microphone area: the camera sees someone in the bedroom only.
  const recognizer = new IntentRecognizer(buildSentenceSet(r, []));
  const seen = resolveIntent(recognizer.recognize("turn on the lamp"), r, { occupiedAreas: ["Bedroom", "Kitchen"] });
  assert.deepEqual(targetsOf(seen), ['light.bedroom_lamp:{"type":"turn_on"}']);
});

test("sensitive actions ask for confirmation", () => {
  const r = home();
  const unlock = run(r, "unlock the front door");
  assert.equal(unlock.kind === "act" && unlock.confirm, true);
  const garage = run(r, "open the garage door");
  assert.equal(garage.kind === "act" && garage.confirm, true);
  const light = run(r, "turn on the kitchen lights");
  assert.equal(light.kind === "act" && light.confirm, false);
});

test("errors: not understood, unknown device, nothing there, cannot do it, unavailable", () => {
  const r = home();
  assert.deepEqual(run(r, "sing a song"), { kind: "error", reason: "not_understood" });
  assert.deepEqual(run(r, "turn on the radio"), { kind: "error", intent: "HassTurnOn", reason: "no_such_name", detail: "radio" });
  const none = run(r, "turn on the fans in the office");
  assert.equal(none.kind === "error" && none.reason, "no_targets");
  const sensor = run(r, "turn on kitchen temperature");
  assert.equal(sensor.kind === "error" && sensor.reason, "unsupported");
  r.setAvailable("switch.kettle", false);
  assert.deepEqual(run(r, "turn on the kettle"), { kind: "error", intent: "HassTurnOn", reason: "unavailable", detail: "Kettle" });
  assert.deepEqual(run(r, "never mind"), { kind: "cancel" });
});

test("state questions are answered from the registry", () => {
  const r = home();
  const temp = run(r, "what is the temperature in the office");
  assert.equal(temp.kind, "answer");
  if (temp.kind === "answer" && temp.answer.type === "temperature") {
    assert.equal(temp.answer.value, 21.5);
    assert.equal(temp.answer.unit, "°C");
    assert.equal(temp.answer.entity.id, "climate.office");
  } else assert.fail(JSON.stringify(temp));
  // No thermostat in the kitchen: its temperature sensor answers.
  const kitchen = run(r, "how warm is it in here", { area: "Kitchen" });
  assert.ok(kitchen.kind === "answer" && kitchen.answer.type === "temperature" && kitchen.answer.value === 19);
  const count = run(r, "how many lights are on");
  assert.ok(count.kind === "answer" && count.answer.type === "count" && count.answer.count === 2);
  const which = run(r, "which lights are on in the kitchen");
  assert.ok(which.kind === "answer" && which.answer.type === "which" && which.answer.matching.map((e) => e.id).join() === "light.kitchen_spots");
  const all = run(r, "are all lights off");
  assert.ok(all.kind === "answer" && all.answer.type === "yes_no" && all.answer.value === false && all.answer.notMatching.length === 2);
  const locked = run(r, "is the front door locked");
  assert.ok(locked.kind === "answer" && locked.answer.type === "yes_no" && locked.answer.value === true);
  assert.equal(stateQuery("Are there any lights on?"), "any");
  assert.equal(stateQuery("is every door locked"), "all");
  assert.equal(stateQuery("who is home"), "which");
});

test("HA fixtures: answers match the HA test set's expected responses", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const r = loadFixtures(fixtures);
  const answer = (text: string, context = {}) => {
    const res = run(r, text, context);
    assert.equal(res.kind, "answer", `${text}: ${JSON.stringify(res)}`);
    return res.kind === "answer" ? res.answer : undefined;
  };
  const living = answer("how hot is the living room?");
  assert.ok(living?.type === "temperature" && living.value === 68);
  const doors = answer("which doors are locked?");
  assert.deepEqual(doors?.type === "which" && doors.matching.map((e) => e.name).sort(), ["Front Door", "Side Door", "Sliding Doors"]);
  const lights = answer("how many lights are on in the kitchen?");
  assert.ok(lights?.type === "count" && lights.count === 3);
  const home = answer("how many people are at home");
  assert.ok(home?.type === "count" && home.count === 1);
});

test("config and diagnostic entities answer only to their own name; hidden and disabled ones to nothing (HA's exposure, F06)", () => {
  const registry = registryWith({ Kitchen: "Ground Floor" }, [
    entity("light.kitchen_ceiling", { name: "Kitchen Ceiling", area: "Kitchen", state: "off" }),
    entity("switch.kitchen_plug_child_lock", { name: "Kitchen Plug Child Lock", area: "Kitchen", state: "off", category: "config" }),
    entity("switch.kitchen_heater", { name: "Kitchen Heater", area: "Kitchen", state: "off", exposed: false }),
  ]);
  assert.deepEqual(targetsOf(run(registry, "turn on the lights in the kitchen")), ['light.kitchen_ceiling:{"type":"turn_on"}']);
  const everything = run(registry, "turn on everything in the kitchen");
  if (everything.kind === "act") assert.ok(everything.targets.every((t) => t.entity.id === "light.kitchen_ceiling"), JSON.stringify(targetsOf(everything)));
  assert.deepEqual(targetsOf(run(registry, "turn on kitchen plug child lock")), ['switch.kitchen_plug_child_lock:{"type":"turn_on"}']);
  assert.notEqual(run(registry, "turn on kitchen heater").kind, "act");
});

test("relative changes: brightness from the light's state, clamped to 1..100; colour temperature within the light's range", () => {
  const light = (state: string, attributes: Record<string, unknown> = {}) => entity("light.l", { state, attributes });
  assert.equal(STEP_PERCENT, 25);
  assert.equal(steppedBrightness(light("on", { brightness: 255 }), "down", 25), 75);
  assert.equal(steppedBrightness(light("on", { brightness: 128 }), "up", 10), 60);
  assert.equal(steppedBrightness(light("on"), "down", 25), 75, "on without a brightness is full");
  assert.equal(steppedBrightness(light("off", { brightness: 200 }), "up", 25), 25, "an off light starts from 0");
  assert.equal(steppedBrightness(light("on", { brightness: 20 }), "down", 50), 1, "dimming never turns it off");
  assert.equal(steppedBrightness(light("on", { brightness: 250 }), "up", 50), 100);
  assert.equal(actionFor("HassLightSet", light("off", { brightness: 255 }), { brightness_change: "down" }), undefined, "dimming leaves an off light off");
  assert.deepEqual(actionFor("HassLightSet", light("off"), { brightness_change: "up" }), { type: "light_set", brightness_pct: 25 }, "brightening an off light turns it on low");
  assert.equal(steppedKelvin(light("on", { color_temp_kelvin: 3000, min_color_temp_kelvin: 2200, max_color_temp_kelvin: 4000 }), "warmer", 50), 2200);
  assert.equal(steppedKelvin(light("on", { color_temp_kelvin: 3000, min_color_temp_kelvin: 2200, max_color_temp_kelvin: 4000 }), "cooler", 10), 3180);
  // Covers and thermostats: from their position or set-point; a cover without one opens or closes.
  const blind = (attributes: Record<string, unknown>, state = "open") => entity("cover.b", { state, attributes });
  assert.deepEqual(actionFor("HassSetPosition", blind({ current_position: 90 }), { position_change: "up" }), { type: "set_position", position: 100 });
  assert.deepEqual(actionFor("HassSetPosition", blind({}, "closed"), { position_change: "up", position_step: 10 }), { type: "set_position", position: 10 });
  assert.deepEqual(actionFor("HassSetPosition", blind({}, "unknown"), { position_change: "down" }), { type: "close" });
  const thermostat = (attributes: Record<string, unknown>) => entity("climate.t", { attributes });
  assert.deepEqual(actionFor("HassClimateSetTemperature", thermostat({ temperature: 20.5 }), { temperature_change: "down", temperature_step: 2 }), { type: "set_temperature", temperature: 18.5 });
  assert.equal(actionFor("HassClimateSetTemperature", thermostat({}), { temperature_change: "up" }), undefined, "no set-point, no nudge");
});
