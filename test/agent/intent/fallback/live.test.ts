import assert from "node:assert/strict";
import { test } from "node:test";
import { LiveFallbackRecognizer } from "../../../../agent/intent/fallback/live.ts";
import { hasModelFor, modelFor } from "../../../../agent/intent/fallback/model.ts";
import { hasCalibrationFor } from "../../../../agent/intent/fallback/recognizer.ts";
import { LiveIntentRecognizer } from "../../../../agent/intent/recognizer.ts";
import { loadFixtures } from "../../../../devices/fixtures.ts";
import { sharedData } from "../../../helpers/shared-data.ts";

test("prepare() trains and calibrates on a worker thread: the event loop runs meanwhile, and the result is installed for recognition", async () => {
  const registry = loadFixtures(sharedData("intents", "slurp-home-fixtures.yaml"));
  const strict = new LiveIntentRecognizer(registry);
  const live = new LiveFallbackRecognizer(registry, strict);
  const set = strict.current().sentenceSet;
  assert.equal(hasModelFor(set), false, "nothing trained in this process yet");
  let ticked = false;
  setTimeout(() => (ticked = true), 0);
  const preparing = live.prepare();
  assert.equal(live.ready(), preparing, "ready() is the build in flight");
  await preparing;
  assert.equal(ticked, true, "a timer fired while the model was trained: the training did not block the event loop");
  assert.equal(hasModelFor(set), true);
  assert.equal(hasCalibrationFor(modelFor(set), set), true);
  // A typo and an unknown word: no template matches, the fallback reads it.
  const [top] = live.recognize("turn off the cofee machine olly");
  assert.equal(top?.intent, "HassTurnOff", JSON.stringify(top));
  // Nothing left to do: a second prepare() builds at once (milliseconds), without a worker.
  await live.prepare();
  live.close();
  strict.close();
});
