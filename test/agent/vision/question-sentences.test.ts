/**
 * The vision questions' sentences as the text matcher reads them: each intent
 * in several wordings, with labels and places as slots, next to the home
 * intents they must not take over.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const registry = registryWith({ Kitchen: undefined, "Living Room": undefined, Garage: undefined, Garden: undefined, Hallway: undefined }, [
  entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen" }),
  entity("cover.garage_door", { name: "Garage Door", area: "Garage", device_class: "garage" }),
]);
const recognizer = new IntentRecognizer(buildSentenceSet(registry, [], ["driveway", "front door"]));

const CASES: [string, string | null, Record<string, unknown>?][] = [
  ["is anyone in the kitchen", "HassVisionPresence", { label: "person", area: "Kitchen" }],
  ["anybody in the garden?", "HassVisionPresence", { label: "person", area: "Garden" }],
  ["are there any cats in the hallway right now", "HassVisionPresence", { label: "cat", area: "Hallway" }],
  ["is my car parked in the driveway", "HassVisionPresence", { label: "car", zone: "driveway" }],
  ["can you see a vehicle in the driveway", "HassVisionPresence", { label: "vehicle", zone: "driveway" }],
  ["is the garage empty", "HassVisionPresence", { label: "anything", state: "empty", area: "Garage" }],
  ["who's in the living room", "HassVisionPresence", { label: "person", area: "Living Room" }],
  ["how many people are in the living room", "HassVisionCount", { label: "person", area: "Living Room" }],
  ["how many cats do you see", "HassVisionCount", { label: "cat" }],
  ["where are the kids", "HassVisionWhere", { label: "person" }],
  ["where's the kitty", "HassVisionWhere", { label: "cat" }],
  ["have you seen the dog", "HassVisionWhere", { label: "dog" }],
  ["what do you see in the garden", "HassVisionScene", { area: "Garden" }],
  ["what's going on in the kitchen", "HassVisionScene", { area: "Kitchen" }],
  ["when did you last see the cat", "HassVisionLastSeen", { label: "cat" }],
  ["when was the last time you saw the dog in the garden", "HassVisionLastSeen", { label: "dog", area: "Garden" }],
  ["when did someone last leave", "HassVisionLastSeen", { label: "person", edge: "end" }],
  ["when did the kids get home", "HassVisionLastSeen", { label: "person", edge: "start" }],
  ["was anyone in the garage today", "HassVisionWasThere", { label: "person", area: "Garage", span: "today" }],
  ["did you see the cat in the hallway yesterday evening", "HassVisionWasThere", { label: "cat", area: "Hallway", span: "yesterday_evening" }],
  ["was the dog in the garden in the last two hours", "HassVisionWasThere", { label: "dog", area: "Garden", amount: 2, unit: "hour" }],
  ["who was at the front door", "HassVisionWasThere", { label: "person", zone: "front door" }],
  ["how long was the dog in the garden this morning", "HassVisionDuration", { label: "dog", area: "Garden", span: "this_morning" }],
  ["how long did the cat stay in the kitchen today", "HassVisionDuration", { label: "cat", area: "Kitchen", span: "today" }],
  ["how many people came to the front door yesterday", "HassVisionVisits", { label: "person", zone: "front door", span: "yesterday" }],
  ["who came to the front door today", "HassVisionVisits", { label: "person", zone: "front door", span: "today" }],
  ["how many times was the dog in the garden this week", "HassVisionVisits", { label: "dog", area: "Garden", span: "this_week" }],
  ["show me the cat in the garden yesterday evening", "HassVisionSearch", { label: "cat", area: "Garden", span: "yesterday_evening" }],
  ["what did you see today", "HassVisionSearch", { span: "today" }],
  // The home intents keep their sentences.
  ["turn on the kitchen light", "HassTurnOn", { name: "Kitchen Light" }],
  ["is the garage door open", "HassGetState", { domain: "cover", name: "Garage Door", state: "open" }],
  ["is anyone home", "HassGetState", { domain: "person", state: "home" }],
  // Not a question about the cameras.
  ["the cat sat on the mat", null],
];

test("vision sentences give their intents and slots; home sentences keep theirs", () => {
  for (const [text, intent, slots] of CASES) {
    const r = recognizer.recognize(text);
    if (intent === null) assert.equal(r, null, text);
    else assert.deepEqual(r && { intent: r.intent, slots: r.slots }, { intent, slots }, text);
  }
});
