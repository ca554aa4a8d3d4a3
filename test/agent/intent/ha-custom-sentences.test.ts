/**
 * A user's Home Assistant custom_sentences folder, loaded as HA wrote it:
 * sentences for built-in intents join them, the user's own intents answer
 * with their responses, and every construct hearth cannot express is an
 * error naming the file, the intent and the sentence.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { loadHaCustomSentences } from "../../../agent/intent/ha-custom-sentences.ts";
import { rewriteHassilTemplate, expandPhrase } from "../../../agent/intent/ha-template.ts";
import { IntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { loadFixtures } from "../../../devices/fixtures.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const FOLDER = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "ha-custom-sentences");
const missing = sharedDataMissing();

test("hassil's permutations and in-word alternatives are rewritten into whole-word alternatives", () => {
  assert.equal(rewriteHassilTemplate("turn on [the] light[s]"), "turn on [the] (lights|light)");
  assert.equal(rewriteHassilTemplate("is [the] light (on; in <area>)"), "is [the] light (on in <area>|in <area> on)");
  assert.equal(rewriteHassilTemplate("turn(s|ed|ing) on"), "(turns|turned|turning) on");
  assert.equal(rewriteHassilTemplate("set {name} to {brightness}[%]"), "set {name} to {brightness} [%]");
  assert.equal(rewriteHassilTemplate("what is [the] {name}'s state"), "what is [the] {name}'s state");
  assert.deepEqual(expandPhrase("vegetable (patch|garden)"), ["vegetable patch", "vegetable garden"]);
  assert.throws(() => rewriteHassilTemplate("turn on the {name}s"), /\{name\} glued to brackets|inside/);
  assert.throws(() => rewriteHassilTemplate("turn on (the|a) light[s"), /missing \]/);
});

test("a custom_sentences folder joins hearth's sentences: built-in intents gain phrasings, user intents are recognised", { skip: missing }, () => {
  const registry = loadFixtures(sharedData("intents", "ha-en-fixtures.yaml"));
  const r = new IntentRecognizer(buildSentenceSet(registry, loadHaCustomSentences(FOLDER)));
  const got = (text: string, area?: string) => {
    const m = r.recognize(text, area ? { area } : {});
    return m && { intent: m.intent, slots: m.slots };
  };
  assert.deepEqual(got("lights on in the kitchen"), { intent: "HassTurnOn", slots: { domain: "light", area: "Kitchen" } });
  assert.deepEqual(got("hey jarvis let there be light in the bedroom"), { intent: "HassTurnOn", slots: { domain: "light", area: "Bedroom" } }, "skip words dropped, light[s]");
  assert.deepEqual(got("lights out", "Bedroom"), { intent: "HassTurnOff", slots: { domain: "light", area: "Bedroom" } }, "requires_context area slot");
  assert.deepEqual(got("jarvis douse the lights in the kitchen"), { intent: "HassTurnOff", slots: { domain: "light", area: "Kitchen" } });
  assert.deepEqual(got("water the vegetable patch for 10 minutes"), { intent: "WaterGarden", slots: { garden_zone: "vegetables", water_minutes: 10 } });
  assert.deepEqual(got("hose down the roses"), { intent: "WaterGarden", slots: { garden_zone: "roses" } });
  assert.deepEqual(got("run the sprinklers for five minutes in the lawn"), { intent: "WaterGarden", slots: { water_minutes: 5, garden_zone: "lawn" } }, "permutation, one order");
  assert.deepEqual(got("start the sprinkler in the lawn for 5 minutes"), { intent: "WaterGarden", slots: { garden_zone: "lawn", water_minutes: 5 } }, "the other order");
  assert.deepEqual(got("it's board games night"), { intent: "StartNight", slots: { night_kind: "games" } }, "a local list whose in is a template");
  assert.equal(got("water the garage"), null, "not a zone");
  assert.equal(got("start the sprinklers for 45 minutes in the lawn"), null, "outside the range");
  // hearth's own sentences are untouched.
  assert.deepEqual(got("turn on the kitchen ceiling"), { intent: "HassTurnOn", slots: { name: "Kitchen ceiling" } });
});

test("through the agent's config: the user's intents answer with their responses, built-in ones act on devices", { skip: missing }, async () => {
  const config = parseConfig({ agent: { id: "ha-sentences" }, intents: { ha_custom_sentences: FOLDER } });
  const agent = new Agent(config, { offline: true, fixtures: sharedData("intents", "ha-en-fixtures.yaml"), observer: true });
  await agent.start();
  try {
    const water = await agent.submit("please water the lawn for 3 minutes", { kind: "cli" });
    assert.deepEqual([water.intent, water.slots, water.response, water.error], ["WaterGarden", { garden_zone: "lawn", water_minutes: 3 }, "Watering the lawn", undefined]);
    const night = await agent.submit("start movie night", { kind: "cli" });
    assert.equal(night.response, "Enjoy movie night");
    const off = await agent.submit("lights out", { kind: "voice", source: "bedroom-mic", area: "Bedroom" });
    assert.equal(off.intent, "HassTurnOff");
    assert.ok(off.targets.length > 0 && off.targets.every((id) => id.startsWith("light.")), JSON.stringify(off.targets));
    assert.ok(agent.intentNames().includes("WaterGarden"), "announced as an event type of hearth's intent entity");
  } finally {
    await agent.stop();
  }
});

/** A custom_sentences folder holding one file `en/<name>`. */
function folderWith(name: string, text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "hearth-ha-sentences-"));
  const file = join(dir, "en", name);
  mkdirSync(dirname(file));
  writeFileSync(file, text);
  return { dir, file };
}

test("each unsupported construct is an error naming the file, the intent and the sentence", () => {
  const cases: [string, RegExp][] = [
    [
      'language: en\nintents:\n  Plural:\n    data:\n      - sentences: ["turn on all {name}s"]\n',
      /intents\.Plural\.data\.0: sentence "turn on all \{name\}s": .*inside/,
    ],
    [
      'language: en\nintents:\n  NeedsArea:\n    data:\n      - sentences: ["tidy up"]\n        requires_context:\n          area:\n',
      /intents\.NeedsArea\.data\.0: sentence "tidy up": requires_context\.area: a context key without a value is not supported/,
    ],
    [
      'language: en\nintents:\n  Dim:\n    data:\n      - sentences: ["dim to {pct}"]\n        lists:\n          pct:\n            range: { from: 0, to: 100, multiplier: 0.01 }\n',
      /intents\.Dim\.data\.0: lists\.pct: range multiplier 0\.01 is not supported/,
    ],
    [
      'language: en\nintents:\n  Fruit:\n    data:\n      - sentences: ["buy some {fruit}"]\n',
      /intents\.Fruit\.data\.0: sentence "buy some \{fruit\}": unknown list \{fruit\}/,
    ],
    [
      'language: en\nintents:\n  Odd:\n    data:\n      - sentences: ["do (this|that"]\n',
      /intents\.Odd\.data\.0: sentence "do \(this\|that": missing \)/,
    ],
    [
      'language: en\nintents:\n  Keyed:\n    data:\n      - sentences: ["do it"]\n        wildcards: true\n',
      /intents\.Keyed\.data\.0\.wildcards: unknown key/,
    ],
    [
      'language: en\nintents:\n  Two:\n    data:\n      - sentences: ["one way"]\n        response: a\n      - sentences: ["other way"]\n        response: b\nresponses:\n  intents:\n    Two: { a: "A", b: "B" }\n',
      /intents\.Two: sentence "other way": different response keys \(a, b\)/,
    ],
    ['language: de\nintents: {}\n', /language "de": hearth understands English \(en\) only/],
  ];
  for (const [text, message] of cases) {
    const { dir, file } = folderWith("broken.yaml", text);
    assert.throws(() => loadHaCustomSentences(dir), (err: Error) => {
      assert.ok(err.message.startsWith(`${file}: `), `names the file: ${err.message}`);
      assert.match(err.message, message);
      return true;
    });
  }
  assert.throws(() => loadHaCustomSentences(join(tmpdir(), "no-such-custom-sentences")), /no-such-custom-sentences: no such directory/);
});

test("the agent refuses to start on a broken custom_sentences file, naming the config field and the file", () => {
  const { dir, file } = folderWith("broken.yaml", 'language: en\nintents:\n  Fruit:\n    data:\n      - sentences: ["buy some {fruit}"]\n');
  const config = parseConfig({ agent: { id: "ha-sentences-bad" }, intents: { ha_custom_sentences: dir } });
  assert.throws(() => new Agent(config, { offline: true, observer: true, configFile: "hearth.yaml" }), (err: Error) => {
    assert.match(err.message, /^hearth\.yaml: invalid configuration/);
    assert.ok(err.message.includes(`intents.ha_custom_sentences: ${file}: intents.Fruit.data.0: sentence "buy some {fruit}": unknown list {fruit}`), err.message);
    return true;
  });
});
