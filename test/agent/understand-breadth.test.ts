/**
 * The understander on phrasings no template says whole, over SLURP's home
 * (../shared/data/intents/slurp-home-fixtures.yaml, a light per area, two
 * plugs, a vacuum), microphone in the Living Room: an unknown name of a known
 * kind is asked about, a request after a statement is read, "everything"
 * switches only everyday devices.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Understanding } from "../../agent/controller/types.ts";
import { LiveIntentRecognizer } from "../../agent/intent/recognizer.ts";
import { createUnderstander } from "../../agent/understand.ts";
import { loadFixtures } from "../../devices/fixtures.ts";
import { sharedData } from "../helpers/shared-data.ts";

const registry = loadFixtures(sharedData("intents", "slurp-home-fixtures.yaml"));
const recognizer = new LiveIntentRecognizer(registry);
// The templates alone: these rules come before the fallback and must not depend on it.
const understand = createUnderstander({ registry, recognizer, eventTopic: "hearth/test/event", fallback: null });
const say = (text: string) => understand({ text, origin: { kind: "cli", area: "Living Room" } });
const ids = (u: Understanding) => (u.kind === "act" ? u.targets.map((t) => t.entity.id).sort() : []);

test("an unknown name of a known kind asks about that kind here, never acts on a guess", async () => {
  for (const text of ["turn off my bedside lamp", "turn off the closet light", "can you turn off my desk lamp", "desk lamp one off"]) {
    const u = await say(text);
    assert.equal(u.decision, "confirm", text);
    assert.equal(u.kind === "act" && u.intent, "HassTurnOff");
    assert.deepEqual(ids(u), ["light.living_room"], text);
    assert.equal(u.kind === "act" && u.confirmation, "Do you want me to turn off Living Room Light?");
  }
  // A kind in the place said.
  assert.deepEqual(ids(await say("turn on the reading lamp in the kitchen")), ["light.kitchen"]);
  // No kind word: the template's own answer.
  const radio = await say("turn off the radio");
  assert.equal(radio.decision, "refuse");
  assert.equal(radio.kind === "error" && radio.response, "Sorry, I don't know any device called radio");
});

test("a request after a statement is read when the templates match it whole", async () => {
  const u = await say("it's too bright in here can you turn a light off");
  assert.deepEqual([u.decision, u.kind === "act" && u.intent, ids(u)], ["act", "HassTurnOff", ["light.living_room"]]);
  const unrelated = await say("the weather is bad could you tell me a joke");
  assert.equal(unrelated.decision, "refuse");
  // A question about what was done is no request.
  for (const text of ["why would you turn off the lights", "why can you turn off the lights", "did you turn off the lights can you turn off the lights"]) {
    assert.notEqual((await say(text)).decision, "act", text);
  }
});

test("light requests by the light wanted, colour changes from one to another", async () => {
  const low = await say("give me low lighting in the kitchen");
  assert.deepEqual([low.kind === "act" && low.intent, ids(low), low.kind === "act" && low.slots.brightness_change], ["HassLightSet", ["light.kitchen"], "down"]);
  const white = await say("change light colors from blue to white");
  assert.deepEqual([white.kind === "act" && white.intent, ids(white), white.kind === "act" && white.slots.color], ["HassLightSet", ["light.living_room"], "white"]);
  const bright = await say("can you bright the lights please");
  assert.equal(bright.kind === "act" && bright.slots.brightness_change, "up");
});

test("'everything' in a place is its lights and plugs; the vacuum is no everyday device", async () => {
  const u = await say("turn everything off in the living room");
  assert.equal(u.decision, "act");
  for (const id of ids(u)) assert.match(id, /^(light|switch|fan)\./);
  assert.ok(ids(u).includes("light.living_room"));
  assert.ok(!ids(u).some((id) => id.startsWith("vacuum.")));
});
