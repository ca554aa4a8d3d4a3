/** Word similarity for fuzzy slot matching: edit distance with swaps, the phonetic key, and what counts as alike. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { allowedEdits, editDistance, phoneticKey, wordSimilarity } from "../../../../agent/intent/fallback/fuzzy.ts";

test("edit distance counts a swap of neighbours as one edit and stops early past the limit", () => {
  assert.equal(editDistance("light", "light"), 0);
  assert.equal(editDistance("lihgt", "light"), 1);
  assert.equal(editDistance("bedrom", "bedroom"), 1);
  assert.equal(editDistance("kitchen", "kitten"), 2);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("garage", "bathroom", 2), 3);
});

test("short words must be spelt right; longer ones may be one or two edits off", () => {
  assert.equal(allowedEdits(4), 0);
  assert.equal(allowedEdits(5), 1);
  assert.equal(allowedEdits(9), 2);
  assert.equal(wordSimilarity("back", "black"), 0, "a four-letter word is no typo of a colour");
  assert.equal(wordSimilarity("news", "new"), 0, "news is not a plural of new");
  assert.equal(wordSimilarity("lights", "light"), 0.9);
  assert.equal(wordSimilarity("bedrom", "bedroom"), 0.85);
  assert.equal(wordSimilarity("22", "23"), 0, "numbers are never fuzzy");
});

test("sound-alikes share a key but must still be spelt nearly alike", () => {
  assert.equal(phoneticKey("colour"), phoneticKey("color"));
  assert.equal(phoneticKey("phone"), phoneticKey("fone"));
  assert.equal(phoneticKey("delete"), phoneticKey("daylight"));
  assert.equal(wordSimilarity("delete", "daylight"), 0);
  assert.ok(wordSimilarity("colour", "color") > 0);
  assert.equal(phoneticKey("123"), "");
});
