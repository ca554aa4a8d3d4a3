import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { responseFor } from "../../../agent/intent/responses.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { resolveIntent } from "../../../agent/resolve/resolver.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import type { EntityRegistry } from "../../../devices/registry.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "intents", "ha-en-fixtures.yaml");

function say(registry: EntityRegistry, text: string, context: { area?: string } = {}, options = {}): string {
  const recognizer = new IntentRecognizer(buildSentenceSet(registry, []));
  return responseFor(resolveIntent(recognizer.recognize(text, context), registry, context), options);
}

const home = () =>
  registryWith({ Kitchen: "Ground Floor", "Living Room": "Ground Floor", Bedroom: "First Floor", Office: "First Floor" }, [
    entity("light.kitchen_ceiling", { name: "Kitchen Ceiling", area: "Kitchen", state: "on" }),
    entity("light.kitchen_spots", { name: "Kitchen Spots", area: "Kitchen", state: "on" }),
    entity("light.bedroom_lamp", { name: "Lamp", area: "Bedroom" }),
    entity("light.office_lamp", { name: "Lamp", area: "Office" }),
    entity("lock.front_door", { name: "Front Door", state: "locked" }),
    entity("cover.garage", { name: "Garage", device_class: "garage" }),
    entity("scene.movie", { name: "Movie" }),
    entity("climate.living", { name: "Living Thermostat", area: "Living Room", attributes: { current_temperature: 21.5, temperature_unit: "°C" } }),
  ]);

test("what was done", () => {
  const r = home();
  assert.equal(say(r, "turn off the kitchen lights"), "Turned off the kitchen lights");
  assert.equal(say(r, "lights on", { area: "Kitchen" }), "Turned on the kitchen lights");
  assert.equal(say(r, "turn off all the lights in the house"), "Turned off all the lights");
  assert.equal(say(r, "lock the front door"), "Locked Front Door");
  assert.equal(say(r, "activate movie scene"), "Activated Movie");
  assert.equal(say(r, "set the kitchen lights to 30%"), "Set the kitchen lights brightness to 30%");
  // Relative changes say what was chosen.
  assert.equal(say(r, "dim the kitchen lights"), "Set the kitchen lights brightness to 75%");
  assert.equal(say(r, "change the colour of the kitchen lights"), "Set the kitchen lights to a different colour");
  assert.equal(say(r, "make the kitchen lights warmer"), "Set the kitchen lights to 3134 kelvin");
  assert.equal(say(r, "make the kitchen lights red"), "Set the kitchen lights to red");
  assert.equal(say(r, "set the living room temperature to 22 degrees"), "Set Living Thermostat temperature to 22 degrees");
});

test("answers, questions, confirmations and apologies", () => {
  const r = home();
  assert.equal(say(r, "what is the living room temperature"), "The living room is 21.5 °C");
  assert.equal(say(r, "how many lights are on"), "2");
  assert.equal(say(r, "which lights are on"), "Kitchen Ceiling and Kitchen Spots");
  assert.equal(say(r, "are all lights on"), "No, Lamp in Bedroom and Lamp in Office are not on");
  assert.equal(say(r, "is the front door locked"), "Yes");
  assert.equal(say(r, "turn on the lamp"), "Which one: Lamp in Bedroom or Lamp in Office?");
  assert.equal(say(r, "unlock the front door"), "Are you sure you want to unlock Front Door?");
  assert.equal(say(r, "unlock the front door", {}, { confirmed: true }), "Unlocked Front Door");
  assert.equal(say(r, "open the garage door"), "Are you sure you want to open Garage?");
  assert.equal(say(r, "what is the meaning of life, the universe and everything"), "Sorry, I didn't understand that");
  assert.equal(say(r, "turn on the radio"), "Sorry, I don't know any device called radio");
  assert.equal(say(r, "turn on the fans in the bedroom"), "Sorry, I found no fans in the bedroom");
  assert.equal(say(r, "never mind"), "");
});

test("custom intents speak their own template", () => {
  assert.equal(
    responseFor({ kind: "custom", intent: "orderDrink", slots: { coffeeDrink: "latte" }, response: "One {{ slots.coffeeDrink }} coming up" }),
    "One latte coming up",
  );
  assert.equal(responseFor({ kind: "custom", intent: "orderDrink", slots: {} }), "Done");
});

test("HA fixtures: responses as the HA test set expects them", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const r = loadFixtures(fixtures);
  assert.equal(say(r, "are all lights off?"), "No, Garage Light, Kitchen cabinets, Kitchen ceiling and 3 more are not off");
  assert.equal(say(r, "which lights are on in the kitchen?"), "Kitchen cabinets, Kitchen ceiling and Kitchen countertop");
  assert.equal(say(r, "are any doors unlocked?"), "Yes, Back Door");
  assert.equal(say(r, "how many lights are on in the kitchen?"), "3");
  assert.equal(say(r, "are all doors locked?"), "No, Back Door is not locked");
  assert.equal(say(r, "what is the outside temperature?"), "Outside Temperature is 42 °F");
  assert.equal(say(r, "is the phone home?"), "No, Phone is away");
});
