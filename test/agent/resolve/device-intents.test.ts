/**
 * The device intents beyond on/off, from text to the actions the resolver
 * picks: HassToggle, HassStopMoving, HassVacuumStart/ReturnToBase,
 * HassFanSetSpeed, HassLawnMowerStartMowing/Dock, HassHumidifierSetpoint/Mode,
 * water heaters, sirens and valves — with HA's intent and slot names, and
 * kind words ("the vacuum", "the boiler") resolved to the only entity of that
 * kind or to the one in the microphone's area.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { responseFor } from "../../../agent/intent/responses.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { resolveIntent, type Resolution } from "../../../agent/resolve/resolver.ts";
import type { EntityRegistry } from "../../../devices/registry.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const AREAS = { Kitchen: undefined, Bedroom: undefined, Garden: undefined, "Living Room": undefined, Office: undefined };

const home = () =>
  registryWith(AREAS, [
    entity("vacuum.rover", { name: "Rover", area: "Living Room", state: "docked" }),
    entity("lawn_mower.mowbot", { name: "Mowbot", area: "Garden", state: "docked" }),
    entity("fan.ceiling_fan", { name: "Ceiling Fan", area: "Bedroom", state: "off", attributes: { preset_modes: ["auto", "sleep"] }, config: { speed_range_max: 3 } }),
    entity("fan.desk_fan", { name: "Desk Fan", area: "Office", state: "off" }),
    entity("humidifier.bedroom_humidifier", { name: "Bedroom Humidifier", area: "Bedroom", state: "off", attributes: { available_modes: ["eco", "boost"] } }),
    entity("water_heater.tank", { name: "Tank", state: "eco", attributes: { operation_list: ["eco", "performance", "heat_pump", "off"] } }),
    entity("climate.office", { name: "Office Thermostat", area: "Office" }),
    entity("siren.hall_siren", { name: "Hall Siren", state: "off", config: { command_topic: "hall/siren/set", available_tones: ["burglar", "fire", "police_panic"] } }),
    entity("valve.garden_valve", { name: "Garden Valve", area: "Garden", state: "closed" }),
    entity("cover.kitchen_blinds", { name: "Kitchen Blinds", area: "Kitchen", device_class: "blind", state: "opening" }),
    entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen", state: "on" }),
    entity("light.kitchen_spots", { name: "Kitchen Spots", area: "Kitchen", state: "off" }),
  ]);

function understand(registry: EntityRegistry, text: string, area?: string) {
  const context = area ? { area } : {};
  const recognized = new IntentRecognizer(buildSentenceSet(registry, [])).recognize(text, context);
  const resolution = resolveIntent(recognized, registry, context);
  return { intent: recognized?.intent, slots: recognized?.slots, resolution };
}

/** `entity_id action-json` for each target, or the resolution's kind (and reason). */
const acts = (r: Resolution) =>
  r.kind === "act" ? r.targets.map((t) => `${t.entity.id} ${JSON.stringify(t.action)}`) : r.kind === "error" ? `error:${r.reason}` : r.kind;

test("vacuum: start and return to base by name or as 'the vacuum'/'the robot', with HA's slots", () => {
  const r = home();
  const cases: [string, string, Record<string, unknown>, string][] = [
    ["start the vacuum", "HassVacuumStart", { domain: "vacuum" }, '{"type":"start"}'],
    ["turn on the robot vacuum cleaner", "HassVacuumStart", { domain: "vacuum" }, '{"type":"start"}'],
    ["start rover", "HassVacuumStart", { domain: "vacuum", name: "Rover" }, '{"type":"start"}'],
    ["have the roomba clean the house", "HassVacuumStart", { domain: "vacuum" }, '{"type":"start"}'],
    ["send the robot back to its base", "HassVacuumReturnToBase", { domain: "vacuum" }, '{"type":"return_to_base"}'],
    ["rover go home", "HassVacuumReturnToBase", { domain: "vacuum", name: "Rover" }, '{"type":"return_to_base"}'],
    ["dock the vacuum cleaner", "HassVacuumReturnToBase", { domain: "vacuum" }, '{"type":"return_to_base"}'],
  ];
  for (const [text, intent, slots, action] of cases) {
    const u = understand(r, text);
    assert.deepEqual([u.intent, u.slots, acts(u.resolution)], [intent, slots, [`vacuum.rover ${action}`]], text);
  }
  assert.equal(responseFor(understand(r, "start the vacuum").resolution), "Started Rover");
  assert.equal(responseFor(understand(r, "send the vacuum home").resolution), "Sent Rover back to its base");
});

test("vacuum: 'vacuum the kitchen' names the room to clean, so the home's vacuum starts; named on/off starts or docks it", () => {
  const r = home();
  const u = understand(r, "vacuum the kitchen");
  assert.deepEqual([u.intent, u.slots], ["HassVacuumStart", { domain: "vacuum", area: "Kitchen" }]);
  assert.deepEqual(acts(u.resolution), ['vacuum.rover {"type":"start"}']);
  // A vacuum has no on/off of its own (HA removed it): called by name it starts or goes home, never by area.
  assert.deepEqual(acts(resolveIntent({ intent: "HassTurnOff", slots: { name: "Rover" }, confidence: 1, unknownSlots: [], sentence: "", text: "" }, r)), ['vacuum.rover {"type":"return_to_base"}']);
  assert.deepEqual(acts(resolveIntent({ intent: "HassTurnOff", slots: { area: "Living Room" }, confidence: 1, unknownSlots: [], sentence: "", text: "" }, r)), "error:no_targets");
});

test("several vacuums: the one in the microphone's area, else a question", () => {
  const r = home();
  r.upsert(entity("vacuum.upstairs", { name: "Upstairs Robot", area: "Bedroom", state: "docked" }));
  assert.deepEqual(acts(understand(r, "start the vacuum", "Bedroom").resolution), ['vacuum.upstairs {"type":"start"}']);
  const asked = understand(r, "start the vacuum").resolution;
  assert.equal(asked.kind, "clarify");
  assert.equal(responseFor(asked), "Which one: Rover or Upstairs Robot?");
});

test("fan speed: HA's percentage slot, speed words onto the fan's steps, its own presets, 0 % turns it off", () => {
  const r = home();
  const cases: [string, Record<string, unknown>, string, string | undefined][] = [
    ["set the ceiling fan to 50%", { domain: "fan", name: "Ceiling Fan", percentage: 50 }, 'fan.ceiling_fan {"type":"turn_on","percentage":50}', undefined],
    ["set the fan speed to 75 percent", { domain: "fan", percentage: 75 }, 'fan.ceiling_fan {"type":"turn_on","percentage":75}', "Bedroom"],
    ["turn the fan to low", { domain: "fan", speed: "low" }, 'fan.ceiling_fan {"type":"turn_on","percentage":33}', "Bedroom"],
    ["set the ceiling fan speed to high", { domain: "fan", name: "Ceiling Fan", speed: "high" }, 'fan.ceiling_fan {"type":"turn_on","percentage":100}', undefined],
    ["set the fan in the bedroom to sleep mode", { domain: "fan", area: "Bedroom", preset_mode: "sleep" }, 'fan.ceiling_fan {"type":"turn_on","preset_mode":"sleep"}', undefined],
    // A fan with HA's default 1..100 range has no real steps: two thirds.
    ["set the desk fan to medium", { domain: "fan", name: "Desk Fan", speed: "medium" }, 'fan.desk_fan {"type":"turn_on","percentage":66}', undefined],
    ["set the ceiling fan to 0%", { domain: "fan", name: "Ceiling Fan", percentage: 0 }, 'fan.ceiling_fan {"type":"turn_off"}', undefined],
  ];
  for (const [text, slots, action, area] of cases) {
    const u = understand(r, text, area);
    assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassFanSetSpeed", slots, [action]], text);
  }
  assert.equal(understand(r, "set the fan to 50%").resolution.kind, "clarify", "two fans, no place");
  assert.equal(acts(understand(r, "set the desk fan to sleep mode").resolution), "error:unsupported", "a preset the fan lacks");
  assert.equal(responseFor(understand(r, "set the ceiling fan to 50%").resolution), "Set Ceiling Fan speed to 50%");
});

test("lawn mower: start mowing and dock, by name or as 'the mower'", () => {
  const r = home();
  const cases: [string, string, Record<string, unknown>, string][] = [
    ["start the mower", "HassLawnMowerStartMowing", { domain: "lawn_mower" }, '{"type":"start_mowing"}'],
    ["mow the lawn", "HassLawnMowerStartMowing", { domain: "lawn_mower" }, '{"type":"start_mowing"}'],
    ["tell mowbot to mow the back garden", "HassLawnMowerStartMowing", { domain: "lawn_mower", name: "Mowbot" }, '{"type":"start_mowing"}'],
    ["send the lawn mower back to its dock", "HassLawnMowerDock", { domain: "lawn_mower" }, '{"type":"dock"}'],
    ["dock mowbot", "HassLawnMowerDock", { domain: "lawn_mower", name: "Mowbot" }, '{"type":"dock"}'],
  ];
  for (const [text, intent, slots, action] of cases) {
    const u = understand(r, text);
    assert.deepEqual([u.intent, u.slots, acts(u.resolution)], [intent, slots, [`lawn_mower.mowbot ${action}`]], text);
  }
  assert.equal(responseFor(understand(r, "park the mower").resolution), "Sent Mowbot back to its dock");
});

test("humidifier: setpoint and mode turn an off humidifier on first, as HA's intents do; on/off by kind", () => {
  const r = home();
  let u = understand(r, "set the humidifier to 45%");
  assert.equal(responseFor(u.resolution), "Turned on Bedroom Humidifier and set its humidity to 45%");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassHumidifierSetpoint", { domain: "humidifier", humidity: 45 }, ['humidifier.bedroom_humidifier {"type":"set_humidity","humidity":45,"turn_on_first":true}']]);
  u = understand(r, "set the bedroom humidifier to boost mode");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassHumidifierMode", { domain: "humidifier", name: "Bedroom Humidifier", mode: "boost" }, ['humidifier.bedroom_humidifier {"type":"set_mode","mode":"boost","turn_on_first":true}']]);
  r.setState("humidifier.bedroom_humidifier", "on");
  assert.deepEqual(acts(understand(r, "set the humidity in the bedroom to 50").resolution), ['humidifier.bedroom_humidifier {"type":"set_humidity","humidity":50}']);
  assert.equal(acts(understand(r, "set the humidifier to sleep mode").resolution), "error:unsupported");
  u = understand(r, "turn off the dehumidifier");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassTurnOff", { domain: "humidifier" }, ['humidifier.bedroom_humidifier {"type":"turn_off"}']]);
  assert.equal(responseFor(understand(r, "set the humidifier to 45%").resolution), "Set Bedroom Humidifier humidity to 45%");
});

test("water heater: temperature through HassClimateSetTemperature, its mode through HassWaterHeaterMode; 'set the temperature' stays with thermostats", () => {
  const r = home();
  let u = understand(r, "set the water heater to 50 degrees");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassClimateSetTemperature", { domain: "water_heater", temperature: 50 }, ['water_heater.tank {"type":"set_temperature","temperature":50}']]);
  u = understand(r, "set the boiler to heat pump mode");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassWaterHeaterMode", { domain: "water_heater", mode: "heat_pump" }, ['water_heater.tank {"type":"set_operation_mode","operation_mode":"heat_pump"}']]);
  assert.deepEqual(acts(understand(r, "turn off the hot water").resolution), ['water_heater.tank {"type":"turn_off"}']);
  assert.deepEqual(acts(understand(r, "set the temperature to 21 degrees", "Office").resolution), ['climate.office {"type":"set_temperature","temperature":21}']);
  assert.equal(responseFor(understand(r, "set the boiler to performance mode").resolution), "Set Tank to performance mode");
});

test("siren and valve by kind; a bare 'alarm' is only a siren with a siren's verb", () => {
  const r = home();
  assert.deepEqual(acts(understand(r, "sound the siren").resolution), ['siren.hall_siren {"type":"turn_on"}']);
  assert.deepEqual(acts(understand(r, "silence the alarm").resolution), ['siren.hall_siren {"type":"turn_off"}']);
  assert.notEqual(understand(r, "turn off the alarm").resolution.kind, "act", "an alarm clock, as often as not");
  assert.notEqual(understand(r, "set an alarm for 7").resolution.kind, "act");
  assert.deepEqual(acts(understand(r, "open the water valve").resolution), ['valve.garden_valve {"type":"open"}']);
  assert.deepEqual(acts(understand(r, "close the valves in the garden").resolution), ['valve.garden_valve {"type":"close"}']);
  assert.deepEqual(acts(understand(r, "set the garden valve to 30%").resolution), ['valve.garden_valve {"type":"set_position","position":30}']);
});

test("HassToggle and HassStopMoving with HA's slots", () => {
  const r = home();
  let u = understand(r, "toggle the kitchen light");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassToggle", { name: "Kitchen Light" }, ['light.kitchen {"type":"toggle"}']]);
  u = understand(r, "toggle the lights", "Kitchen");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassToggle", { domain: "light", area: "Kitchen" }, ['light.kitchen {"type":"toggle"}', 'light.kitchen_spots {"type":"toggle"}']]);
  assert.deepEqual(acts(understand(r, "toggle the hall siren").resolution), ['siren.hall_siren {"type":"turn_on"}'], "a siren toggles by its state");
  u = understand(r, "stop the kitchen blinds");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassStopMoving", { name: "Kitchen Blinds" }, ['cover.kitchen_blinds {"type":"stop"}']]);
  u = understand(r, "stop the blinds", "Kitchen");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassStopMoving", { domain: "cover", device_class: "blind", area: "Kitchen" }, ['cover.kitchen_blinds {"type":"stop"}']]);
  assert.deepEqual(acts(understand(r, "stop the garden valve").resolution), ['valve.garden_valve {"type":"stop"}']);
  assert.notEqual(understand(r, "pause the audiobook").intent, "HassStopMoving");
  assert.equal(responseFor(understand(r, "stop the kitchen blinds").resolution), "Stopped Kitchen Blinds");
});

test("HassGetState for robots by name or kind, and a valve's position by its kind", () => {
  const r = home();
  let u = understand(r, "is the vacuum docked");
  assert.deepEqual([u.intent, u.slots, responseFor(u.resolution)], ["HassGetState", { domain: "vacuum", state: "docked" }, "Yes"]);
  u = understand(r, "is rover still cleaning");
  assert.deepEqual([u.intent, u.slots, responseFor(u.resolution)], ["HassGetState", { name: "Rover", state: "cleaning" }, "No, Rover is docked"]);
  u = understand(r, "is the lawn mower charging");
  assert.deepEqual([u.intent, u.slots, responseFor(u.resolution)], ["HassGetState", { domain: "lawn_mower", state: "docked" }, "Yes"]);
  u = understand(r, "set the water valve to 40%");
  assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassSetPosition", { domain: "valve", position: 40 }, ['valve.garden_valve {"type":"set_position","position":40}']]);
});

test("siren options as HA's siren.turn_on takes them: a tone of its own, a duration in seconds", () => {
  const r = home();
  const cases: [string, Record<string, unknown>, string][] = [
    ["sound the siren for 30 seconds", { domain: "siren", duration: 30 }, '{"type":"turn_on","duration":30}'],
    ["sound the hall siren for 2 minutes", { domain: "siren", name: "Hall Siren", duration_minutes: 2 }, '{"type":"turn_on","duration":120}'],
    ["sound the siren with the fire tone", { domain: "siren", tone: "fire" }, '{"type":"turn_on","tone":"fire"}'],
    ["play the police sound on the siren for a minute", { domain: "siren", tone: "police", duration_minutes: 1 }, '{"type":"turn_on","tone":"police_panic","duration":60}'],
  ];
  for (const [text, slots, action] of cases) {
    const u = understand(r, text);
    assert.deepEqual([u.intent, u.slots, acts(u.resolution)], ["HassTurnOn", slots, [`siren.hall_siren ${action}`]], text);
  }
  assert.equal(acts(understand(r, "sound the doorbell tone on the siren").resolution), "error:unsupported", "a tone the siren lacks");
  assert.equal(responseFor(understand(r, "sound the siren with the fire tone for 10 seconds").resolution), "Turned on Hall Siren with the fire tone for 10 seconds");
});

test("'all' and 'every' mean the whole home: no narrowing to the microphone's room, no question", () => {
  const r = home();
  r.upsert(entity("siren.garden_siren", { name: "Garden Siren", area: "Garden", state: "off" }));
  assert.deepEqual(acts(understand(r, "turn off the siren", "Garden").resolution), ['siren.garden_siren {"type":"turn_off"}'], "the room's one");
  let u = understand(r, "turn off all the sirens", "Garden");
  assert.deepEqual([u.intent, u.slots], ["HassTurnOff", { name: "all", domain: "siren" }]);
  assert.deepEqual(acts(u.resolution), ['siren.hall_siren {"type":"turn_off"}', 'siren.garden_siren {"type":"turn_off"}']);
  u = understand(r, "set every fan to 50%", "Bedroom");
  assert.deepEqual([u.intent, u.slots], ["HassFanSetSpeed", { name: "all", domain: "fan", percentage: 50 }]);
  assert.deepEqual(acts(u.resolution), ['fan.ceiling_fan {"type":"turn_on","percentage":50}', 'fan.desk_fan {"type":"turn_on","percentage":50}']);
});
