import assert from "node:assert/strict";
import { test } from "node:test";
import { acceptWake, isHere, resolveCommandArea } from "../../../agent/vision/fusion.ts";
import { EntityRegistry } from "../../../devices/registry.ts";

const occupancy = (entries: [string, number][]) => new Map(entries);

test("an area named in the command wins; 'here' names none", () => {
  const seen = occupancy([["Kitchen", 1]]);
  assert.deepEqual(resolveCommandArea("Bedroom", {}, seen), { kind: "area", area: "Bedroom", source: "command" });
  assert.deepEqual(resolveCommandArea("here", {}, seen), { kind: "area", area: "Kitchen", source: "presence" });
  assert.deepEqual(resolveCommandArea("This Room", {}, seen), { kind: "area", area: "Kitchen", source: "presence" });
  assert.equal(isHere(" in here "), true);
  assert.equal(isHere("hall"), false);
});

test("a microphone with an area answers for it, as HA satellites do", () => {
  const seen = occupancy([["Kitchen", 1]]);
  assert.deepEqual(resolveCommandArea(undefined, { area: "Office" }, seen), { kind: "area", area: "Office", source: "microphone" });
  assert.deepEqual(resolveCommandArea("here", { area: "Office" }, seen), { kind: "area", area: "Office", source: "microphone" });
});

test("an area-less microphone: the one occupied area, or a question when several are", () => {
  const one = occupancy([["Kitchen", 0], ["Living Room", 2], ["Hall", 0]]);
  assert.deepEqual(resolveCommandArea(undefined, {}, one), { kind: "area", area: "Living Room", source: "presence" });
  const several = occupancy([["Living Room", 1], ["Kitchen", 1], ["Hall", 0], ["Bedroom", 3]]);
  assert.deepEqual(resolveCommandArea(undefined, {}, several), {
    kind: "clarify",
    areas: ["Bedroom", "Kitchen", "Living Room"],
    question: "Which area: Bedroom, Kitchen or Living Room?",
  });
  assert.deepEqual(resolveCommandArea(undefined, { hears: ["kitchen", "living_room"] }, several), {
    kind: "clarify",
    areas: ["Kitchen", "Living Room"],
    question: "Which area: Kitchen or Living Room?",
  }, "an open-plan microphone only asks about the areas it hears");
  assert.deepEqual(resolveCommandArea("", { hears: ["Kitchen", "Hall"] }, several), { kind: "area", area: "Kitchen", source: "presence" });
});

test("nobody seen: unknown, with the reason", () => {
  assert.deepEqual(resolveCommandArea(undefined, {}, occupancy([["Kitchen", 0]])), {
    kind: "unknown", reason: "no area named, the microphone has none, and no camera sees anyone in any area",
  });
  assert.deepEqual(resolveCommandArea("here", { hears: ["Hall"] }, occupancy([["Kitchen", 2]])), {
    kind: "unknown", reason: "no area named, the microphone has none, and no camera sees anyone in the areas this microphone hears (Hall)",
  });
});

test("areas compare through the registry when given its keys", () => {
  const registry = new EntityRegistry();
  registry.addArea({ id: "living_room_id", name: "Living Room", aliases: ["Lounge"] });
  const areaKey = (a: string) => registry.findArea(a)?.id ?? a.toLowerCase();
  const seen = occupancy([["living_room_id", 1], ["Kitchen", 1]]);
  assert.deepEqual(resolveCommandArea(undefined, { hears: ["Lounge"] }, seen, { areaKey }), { kind: "area", area: "living_room_id", source: "presence" });
  assert.deepEqual(acceptWake("Lounge", seen, true, { areaKey }), { accept: true, reason: "a camera sees 1 person in Lounge" });
});

test("presence gate: a wake word counts only while a camera sees someone in the microphone's area", () => {
  const seen = occupancy([["Living Room", 0], ["Kitchen", 2]]);
  assert.deepEqual(acceptWake("Living Room", seen, true), { accept: false, reason: "no person seen in Living Room" }, "the TV said it to an empty room");
  assert.deepEqual(acceptWake("kitchen", seen, true), { accept: true, reason: "a camera sees 2 persons in kitchen" });
  assert.deepEqual(acceptWake("Living Room", seen, false), { accept: true, reason: "presence gate off" });
});

test("presence gate fails open where it cannot judge", () => {
  const seen = occupancy([["Kitchen", 0]]);
  assert.deepEqual(acceptWake("Bedroom", seen, true), { accept: true, reason: "no camera watches Bedroom; presence gate not applicable" });
  assert.deepEqual(acceptWake(undefined, seen, true), { accept: true, reason: "microphone has no area; presence gate not applicable" });
});
