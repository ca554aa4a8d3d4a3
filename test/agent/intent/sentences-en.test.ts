/**
 * The built-in English sentences by construction: each rule (verb, word order,
 * politeness, assistant's name, device word, place word, relative change,
 * colour) said in ways no template spells out, checked by effect through the
 * understander: which entities it acts on and with what action.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Understanding } from "../../../agent/controller/types.ts";
import { LiveIntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { createUnderstander } from "../../../agent/understand.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const registry = registryWith({ Kitchen: "Ground Floor", "Living Room": "Ground Floor", Bedroom: "First Floor", Hallway: "Ground Floor" }, [
  entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen", state: "on", attributes: { brightness: 128 } }),
  entity("light.living_room", { name: "Living Room Light", area: "Living Room", state: "on", attributes: { brightness: 255, color_temp_kelvin: 4000 } }),
  entity("light.bedroom", { name: "Bedroom Light", area: "Bedroom", state: "off" }),
  entity("light.hallway", { name: "Hallway Light", area: "Hallway", state: "on", attributes: { brightness: 10 } }),
  entity("switch.wemo", { name: "Wemo", area: "Living Room", state: "off" }),
  entity("switch.kettle", { name: "Kettle", area: "Kitchen", state: "off" }),
  entity("cover.living_room_blinds", { name: "Living Room Blinds", area: "Living Room", device_class: "blind", attributes: { current_position: 40 } }),
  entity("climate.living_room", { name: "Living Room Thermostat", area: "Living Room", attributes: { temperature: 20, current_temperature: 19 } }),
]);
const recognizer = new LiveIntentRecognizer(registry, [], { assistantNames: ["hey_nova"] });
const understand = createUnderstander({ registry, recognizer, eventTopic: "hearth/test/event" });

/** "entity:action" of each target, or the kind of understanding when it does not act. */
async function effect(text: string, area = "Living Room"): Promise<string[]> {
  const u: Understanding = await understand({ text, origin: { kind: "cli", area } });
  if (u.kind !== "act") return [`(${u.kind})`];
  return u.targets.map((t) => `${t.entity.id}:${JSON.stringify(t.action)}`).sort();
}
const off = (id: string) => `${id}:{"type":"turn_off"}`;
const on = (id: string) => `${id}:{"type":"turn_on"}`;

test("on and off: verbs, word orders, politeness and an assistant's name anywhere they go", async () => {
  for (const text of [
    "shut the lights off", "make the lights off", "switch the lights to off", "off the lights", "the lights off please", "kill the lights",
    "olly turn the lights off", "alexa, could you please switch off the lamp", "hey google can you turn off the light in here",
    "i'd like you to turn the lights off now", "power off the lights", "lights out", "nova turn off the lights", "turn off the lights hey nova",
    "turn off the room light",
  ]) assert.deepEqual(await effect(text), [off("light.living_room")], text);
  for (const text of ["turn the bedroom lights on", "switch on the bulbs in my bedroom", "put the bed room lamp on", "on the lights in the bedroom"]) {
    assert.deepEqual(await effect(text), [on("light.bedroom")], text);
  }
  assert.deepEqual(await effect("dim the lights in the hall"), ['light.hallway:{"type":"light_set","brightness_pct":1}']);
  assert.deepEqual((await effect("turn off all the lights in the whole house")).length, 4);
  assert.deepEqual((await effect("turn the house lights off")).length, 4);
});

test("device words: a plug or socket names the area's switches; a name and its kind together name the entity", async () => {
  assert.deepEqual(await effect("turn on the socket"), [on("switch.wemo")]);
  assert.deepEqual(await effect("enable my plug"), [on("switch.wemo")]);
  assert.deepEqual(await effect("switch the smart plug off", "Kitchen"), [off("switch.kettle")]);
  assert.deepEqual(await effect("turn on the wemo plug socket", "Kitchen"), [on("switch.wemo")]);
  assert.deepEqual(await effect("wemo socket off", "Kitchen"), [off("switch.wemo")]);
});

test("a kind of device the room lacks is the home's only one of that kind; with several, none is guessed", async () => {
  const home = registryWith({ Kitchen: undefined, Office: undefined, Hall: undefined }, [
    entity("fan.office", { name: "Desk Fan", area: "Office", state: "off" }),
    entity("light.office", { name: "Office Lamp", area: "Office", state: "off" }),
    entity("light.hall", { name: "Hall Lamp", area: "Hall", state: "off" }),
  ]);
  const act = createUnderstander({ registry: home, recognizer: new LiveIntentRecognizer(home), eventTopic: "hearth/test/event" });
  const fan = await act({ text: "turn on the fan", origin: { kind: "cli", area: "Kitchen" } });
  assert.equal(fan.kind, "act");
  if (fan.kind === "act") assert.deepEqual(fan.targets.map((t) => t.entity.id), ["fan.office"]);
  assert.equal((await act({ text: "turn on the lights", origin: { kind: "cli", area: "Kitchen" } })).kind, "error");
  // A place said in the text is kept: no fan in the kitchen is no fan.
  assert.equal((await act({ text: "turn on the kitchen fan", origin: { kind: "cli", area: "Office" } })).kind, "error");
});

test("relative brightness: a default step of 25 points, 'a little' 10, 'by N percent' N; never below 1 %", async () => {
  const set = (id: string, pct: number) => `${id}:{"type":"light_set","brightness_pct":${pct}}`;
  assert.deepEqual(await effect("dim the lights"), [set("light.living_room", 75)]);
  assert.deepEqual(await effect("lower the lights a little bit"), [set("light.living_room", 90)]);
  assert.deepEqual(await effect("turn down the brightness by 40 percent"), [set("light.living_room", 60)]);
  assert.deepEqual(await effect("turn the kitchen lights up"), [set("light.kitchen", 75)]);
  assert.deepEqual(await effect("increase the brightness of the kitchen lights"), [set("light.kitchen", 75)]);
  assert.deepEqual(await effect("make the bedroom lights brighter"), [set("light.bedroom", 25)]);
  assert.deepEqual(await effect("brighten the kitchen light"), [set("light.kitchen", 75)]);
  assert.deepEqual(await effect("lights down to seven"), [set("light.living_room", 7)]);
  assert.deepEqual(await effect("i need more light"), [set("light.living_room", 100)]);
  assert.deepEqual(await effect("make it darker in here"), [set("light.living_room", 75)]);
  assert.deepEqual(await effect("turn the kitchen lights all the way down"), [set("light.kitchen", 1)]);
  assert.deepEqual(await effect("brightness all the way up"), [set("light.living_room", 100)]);
  assert.deepEqual(await effect("set the lights to 30"), [set("light.living_room", 30)]);
  assert.deepEqual(await effect("set the lights to half brightness"), [set("light.living_room", 50)]);
  assert.deepEqual(await effect("brightness up a little"), [set("light.living_room", 100)]);
});

test("colours: 'colour'/'color' words, CSS names as said, -ish forms, whites and warmer/cooler", async () => {
  const rgb = (id: string, r: number, g: number, b: number) => `${id}:{"type":"light_set","rgb":[${r},${g},${b}]}`;
  assert.deepEqual(await effect("turn the lights to red color"), [rgb("light.living_room", 255, 0, 0)]);
  assert.deepEqual(await effect("set the colour of the lights to dark slate blue"), [rgb("light.living_room", 72, 61, 139)]);
  assert.deepEqual(await effect("make the kitchen lights reddish"), [rgb("light.kitchen", 255, 0, 0)]);
  assert.deepEqual(await effect("change the lights to a blue-ish colour"), [rgb("light.living_room", 0, 0, 255)]);
  assert.deepEqual(await effect("set colour green for the kitchen lights"), [rgb("light.kitchen", 0, 128, 0)]);
  assert.deepEqual(await effect("make the lights soft white"), ['light.living_room:{"type":"light_set","color_temp_kelvin":2700}']);
  // 25 % of HA's default range (2000..6535 K) from 4000 K.
  assert.deepEqual(await effect("make the lights warmer"), ['light.living_room:{"type":"light_set","color_temp_kelvin":2866}']);
});

test("requests as questions or statements: 'can the lights be turned off', 'it's too dark in here'", async () => {
  assert.deepEqual(await effect("can the lights be turned off"), [off("light.living_room")]);
  assert.deepEqual(await effect("could the lamps in here be switched on please"), [on("light.living_room")]);
  assert.deepEqual(await effect("it's too dark in here"), [on("light.living_room")]);
  assert.deepEqual(await effect("it is too bright"), ['light.living_room:{"type":"light_set","brightness_pct":75}']);
  assert.deepEqual(await effect("can the lights be changed to green"), ['light.living_room:{"type":"light_set","rgb":[0,128,0]}']);
});

test("'a different colour' steps through a palette from the light's own colour", async () => {
  const lit = registryWith({ Den: undefined }, [entity("light.den", { name: "Den Lamp", area: "Den", state: "on", attributes: { rgb_color: [250, 10, 5] } })]);
  const den = createUnderstander({ registry: lit, recognizer: new LiveIntentRecognizer(lit), eventTopic: "hearth/test/event" });
  for (const text of ["change the colour of the lights", "turn my lights to some random color", "activate a different light color", "change the den lamp color"]) {
    const u = await den({ text, origin: { kind: "cli", area: "Den" } });
    assert.equal(u.kind, "act", text);
    if (u.kind === "act") assert.deepEqual(u.targets.map((t) => t.action), [{ type: "light_set", rgb: [255, 165, 0] }], text);
  }
});

test("covers and thermostats move by a step too", async () => {
  assert.deepEqual(await effect("raise the blinds a little"), ['cover.living_room_blinds:{"type":"set_position","position":50}']);
  assert.deepEqual(await effect("lower the living room blinds by 30 percent"), ['cover.living_room_blinds:{"type":"set_position","position":10}']);
  assert.deepEqual(await effect("open the blinds halfway"), ['cover.living_room_blinds:{"type":"set_position","position":50}']);
  assert.deepEqual(await effect("turn the heating up"), ['climate.living_room:{"type":"set_temperature","temperature":21}']);
  assert.deepEqual(await effect("make it a bit warmer"), ['climate.living_room:{"type":"set_temperature","temperature":21}']);
  assert.deepEqual(await effect("turn down the heating by 2 degrees"), ['climate.living_room:{"type":"set_temperature","temperature":18}']);
});

test("what is no command stays no command", async () => {
  for (const text of ["alexa what's the weather", "turn up the volume", "set an alarm for 7", "play some jazz", "lower the garage", "start the timer", "can you tell me a joke please"]) {
    const result = await effect(text);
    assert.ok(result[0]?.startsWith("("), `${text} → ${result.join(", ")}`);
  }
});

test("questions about what a sensor detects: 'is there smoke in the kitchen', 'any problems with the pet feeder'", async () => {
  const home = registryWith({ Kitchen: undefined, Garage: undefined }, [
    entity("binary_sensor.kitchen_smoke", { name: "Kitchen Smoke", area: "Kitchen", device_class: "smoke", state: "off" }),
    entity("binary_sensor.garage_motion", { name: "Garage Motion", area: "Garage", device_class: "motion", state: "on" }),
    entity("binary_sensor.feeder_problem", { name: "Pet Feeder", area: "Kitchen", device_class: "problem", state: "on" }),
  ]);
  const ask = createUnderstander({ registry: home, recognizer: new LiveIntentRecognizer(home), eventTopic: "hearth/test/event" });
  const answer = async (text: string, area?: string) => {
    const u = await ask({ text, origin: { kind: "cli", area } });
    return u.kind === "answer" ? u.slots : { kind: u.kind };
  };
  assert.deepEqual(await answer("is there smoke in the kitchen?"), { domain: "binary_sensor", state: "on", device_class: "smoke", area: "Kitchen" });
  assert.deepEqual(await answer("has any motion been detected"), { domain: "binary_sensor", state: "on", device_class: "motion" });
  assert.deepEqual(await answer("is movement detected in here", "Garage"), { domain: "binary_sensor", state: "on", device_class: "motion", area: "Garage" });
  assert.deepEqual(await answer("are there any problems with the pet feeder"), { domain: "binary_sensor", state: "on", device_class: "problem", name: "Pet Feeder" });
  assert.deepEqual(await answer("does the kitchen smoke detect any smoke"), { domain: "binary_sensor", state: "on", name: "Kitchen Smoke", device_class: "smoke" });
  // The name must be a sensor of that kind.
  assert.ok("kind" in (await answer("are there any problems with the kitchen smoke")), "no answer about a smoke sensor's problems");
});
