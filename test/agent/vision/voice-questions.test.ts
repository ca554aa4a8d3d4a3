/**
 * The vision questions by voice: sentences spoken by Flite (two of its
 * voices, alternating) decoded by the Moonshine grammar recognizer over the
 * grammar `hearth run` builds (speechGrammar: every built-in intent over the
 * registry's names and the cameras' zones), into the intent and slots the
 * text matcher gives. Synthetic speech: a check that the sentences are in the
 * grammar and decodable, not an accuracy figure for real voices.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { commandIntents, speechGrammar } from "../../../agent/service/voice-extension.ts";
import { isRejected } from "../../../models/asr/recognizer.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { synthesizeFlite } from "../../../models/tts/flite.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const registry = registryWith({ Kitchen: undefined, "Living Room": undefined, Garage: undefined, Garden: undefined, Hallway: undefined }, [entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen" })]);
const grammar = speechGrammar(registry, [], ["front door", "driveway"]);
let recognizer: MoonshineGrammarRecognizer;

before(async () => {
  recognizer = await MoonshineGrammarRecognizer.create(grammar.sentences, { families: grammar.families });
});
after(() => {
  recognizer?.close();
});

const CASES: [string, string, Record<string, unknown>][] = [
  ["is anyone in the kitchen", "HassVisionPresence", { label: "person", area: "Kitchen" }],
  ["how many people are in the living room", "HassVisionCount", { label: "person", area: "Living Room" }],
  ["where is the cat", "HassVisionWhere", { label: "cat" }],
  ["is the car in the driveway", "HassVisionPresence", { label: "car", zone: "driveway" }],
  ["what do you see in the garden", "HassVisionScene", { area: "Garden" }],
  ["when did you last see the dog", "HassVisionLastSeen", { label: "dog" }],
  ["was anyone in the garage today", "HassVisionWasThere", { label: "person", area: "Garage", span: "today" }],
  ["how many people came to the front door yesterday", "HassVisionVisits", { label: "person", zone: "front door", span: "yesterday" }],
];

test("spoken vision questions decode to their intents and slots under the shipped grammar", { timeout: 300_000 }, async () => {
  const intents = commandIntents(grammar);
  for (const [i, [text, intent, slots]] of CASES.entries()) {
    const audio = await synthesizeFlite(text, i % 2 ? "slt" : "kal16");
    assert.equal(audio.sampleRate, 16_000);
    const result = await recognizer.recognize(audio.samples, { intents });
    assert.ok(!isRejected(result), `"${text}" rejected: ${isRejected(result) ? result.reason : ""}`);
    assert.deepEqual({ intent: result.intent, slots: result.slots }, { intent, slots }, `"${text}" heard as "${result.text}"`);
  }
});
