import assert from "node:assert/strict";
import { test } from "node:test";
import { conjuncts, coordinatedCommands } from "../../../agent/intent/coordination.ts";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";

const FIXTURES = new URL("../../../../shared/data/intents/ha-en-fixtures.yaml", import.meta.url).pathname;
const registry = loadFixtures(FIXTURES);
const recognizer = new IntentRecognizer(buildSentenceSet(registry, []));
const read = (text: string) => coordinatedCommands(text, (t) => recognizer.recognize(t, { area: "Kitchen" }))?.map((c) => [c.intent, c.slots]);

test("conjuncts split at 'and', '&' and commas, one boundary for ', and'", () => {
  assert.deepEqual(conjuncts("turn off the kitchen, the hall, and the bedroom"), [["turn", "off", "the", "kitchen"], ["the", "hall"], ["the", "bedroom"]]);
  assert.deepEqual(conjuncts("a & b"), [["a"], ["b"]]);
  assert.equal(conjuncts("turn off the lights"), undefined);
  assert.equal(conjuncts("and"), undefined);
});

test("a place left out after 'and' shares the verb and the device words", () => {
  assert.deepEqual(read("turn off the lights in the kitchen and the bedroom"), [
    ["HassTurnOff", { domain: "light", area: "Kitchen" }],
    ["HassTurnOff", { domain: "light", area: "Bedroom" }],
  ]);
  // The shared words at the end: "kitchen and living room lights".
  assert.deepEqual(read("turn on the kitchen and living room lights"), [
    ["HassTurnOn", { domain: "light", area: "Kitchen" }],
    ["HassTurnOn", { domain: "light", area: "Living Room" }],
  ]);
  assert.deepEqual(read("turn off the kitchen, bedroom and living room lights")?.map(([, s]) => (s as { area: string }).area), ["Kitchen", "Bedroom", "Living Room"]);
});

test("devices joined by 'and', and whole commands with different intents", () => {
  assert.deepEqual(read("turn on the bedroom lamp and the ceiling fan"), [
    ["HassTurnOn", { name: "Bedroom Lamp" }],
    ["HassTurnOn", { name: "Ceiling Fan" }],
  ]);
  assert.deepEqual(read("turn off the ceiling fan and turn on the bedroom lamp"), [
    ["HassTurnOff", { name: "Ceiling Fan" }],
    ["HassTurnOn", { name: "Bedroom Lamp" }],
  ]);
});

test("nothing is read when a part is not a command of known words", () => {
  assert.equal(read("turn off the lights in the kitchen and the attic"), undefined);
  assert.equal(read("turn off the lights in the kitchen and make me a coffee"), undefined);
  assert.equal(read("turn on the lights"), undefined);
});
