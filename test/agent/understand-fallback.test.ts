/**
 * The understander's policy for the fallback recognizer, on Home Assistant's
 * fixtures home (../shared/data/intents/ha-en-fixtures.yaml): a template match
 * acts with confidence 1; a fallback reading at or above `act` acts, between
 * `confirm` and `act` asks "Do you want me to …?", below is refused; a
 * sensitive action always asks; a spoken text is held to the voice thresholds.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CommandRequest, Understanding } from "../../agent/controller/types.ts";
import { LiveFallbackRecognizer } from "../../agent/intent/fallback/live.ts";
import { LiveIntentRecognizer } from "../../agent/intent/recognizer.ts";
import { createUnderstander } from "../../agent/understand.ts";
import { loadFixtures } from "../../devices/fixtures.ts";
import type { EntityRegistry } from "../../devices/registry.ts";
import { sharedData, sharedDataMissing } from "../helpers/shared-data.ts";

const skip = sharedDataMissing();
let registry: EntityRegistry;
let strict: LiveIntentRecognizer;
let fallback: LiveFallbackRecognizer;

before(() => {
  if (skip) return;
  registry = loadFixtures(sharedData("intents", "ha-en-fixtures.yaml"));
  strict = new LiveIntentRecognizer(registry);
  fallback = new LiveFallbackRecognizer(registry, strict);
});
after(() => {
  strict?.close();
  fallback?.close();
});

const understander = (text: { act: number; confirm: number }, voice = { act: 0.9, confirm: 0.6 }) =>
  createUnderstander({ registry, recognizer: strict, fallback, fallbackThresholds: { text, voice }, eventTopic: "hearth/test/event" });
const typed = (text: string, area?: string): CommandRequest => ({ text, origin: { kind: "cli", ...(area ? { area } : {}) } });
const spoken = (text: string): CommandRequest => ({ text, origin: { kind: "voice", source: "mic" } });
const targets = (u: Understanding) => (u.kind === "act" ? u.targets.map((t) => t.entity.id) : []);

test("a template match acts with confidence 1; an unrelated request is refused", { skip }, async () => {
  const understand = understander({ act: 0.8, confirm: 0.4 });
  const strictMatch = await understand(typed("turn off the garage light"));
  assert.deepEqual([strictMatch.decision, strictMatch.confidence, strictMatch.recognizedBy, targets(strictMatch)], ["act", 1, "template", ["light.garage"]]);
  // Weather needs Home Assistant: said so, never acted on.
  const weather = await understand(typed("what's the weather like in paris tomorrow"));
  assert.deepEqual([weather.decision, weather.kind, weather.kind === "error" && weather.error], ["refuse", "error", "needs_home_assistant"]);
  const unrelated = await understand(typed("email mum that i will be late"));
  assert.deepEqual([unrelated.decision, unrelated.kind, targets(unrelated)], ["refuse", "not_understood", []]);
});

test("the same fallback reading acts, asks or is refused by where its confidence falls", { skip }, async () => {
  const text = "turn off the garage lihgt";
  const [reading] = fallback.recognize(text, {});
  assert.ok(reading, "the fallback reads it");
  assert.equal(reading.intent, "HassTurnOff");
  const c = reading.confidence;
  const acted = await understander({ act: c, confirm: c / 2 })(typed(text));
  assert.deepEqual([acted.decision, acted.recognizedBy, targets(acted)], ["act", "fallback", ["light.garage"]]);
  assert.ok(acted.kind === "act" && !acted.confirmation);
  const asked = await understander({ act: Math.min(1, c + 0.01), confirm: c })(typed(text));
  assert.equal(asked.decision, "confirm");
  assert.ok(asked.kind === "act" && asked.confirmation === "Do you want me to turn off Garage Light?", JSON.stringify(asked.kind === "act" && asked.confirmation));
  const refused = await understander({ act: Math.min(1, c + 0.02), confirm: Math.min(1, c + 0.01) })(typed(text));
  assert.equal(refused.decision, "refuse");
  assert.deepEqual(targets(refused), []);
});

test("a sensitive action read by the fallback asks even above the act threshold", { skip }, async () => {
  const u = await understander({ act: 0.01, confirm: 0.005 })(typed("unlock the front door now olly"));
  assert.equal(u.decision, "confirm");
  assert.ok(u.kind === "act" && /^Are you sure you want to unlock Front Door\?$/.test(u.confirmation ?? ""), JSON.stringify(u));
});

test("speech is held to the voice thresholds", { skip }, async () => {
  const text = "turn off the garage lihgt";
  const c = fallback.recognize(text, {})[0]!.confidence;
  const understand = understander({ act: c / 2, confirm: c / 4 }, { act: Math.min(1, c + 0.02), confirm: Math.min(1, c + 0.01) });
  assert.equal((await understand(typed(text))).decision, "act");
  assert.equal((await understand(spoken(text))).decision, "refuse");
  assert.equal((await understand({ ...spoken(text), freeTranscript: true })).decision, "refuse");
});
