/** Timer durations: HA's duration slots to ms, and ms to the words hearth speaks. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { durationAdjective, durationFromSlots, durationWords } from "../../../agent/timers/duration.ts";

test("duration slots add up; start_ slots are read with their prefix; bad values are errors naming the slot", () => {
  assert.equal(durationFromSlots({ hours: 1, minutes: 30 }), 5_400_000);
  assert.equal(durationFromSlots({ minutes: 2, seconds: 30 }), 150_000);
  assert.equal(durationFromSlots({ name: "pasta" }), undefined);
  assert.equal(durationFromSlots({ start_minutes: 10, minutes: 1 }, "start_"), 600_000);
  assert.throws(() => durationFromSlots({ minutes: "soon" }), /slot minutes: not a duration \(soon\)/);
});

test("durations in words: hours and minutes, minutes and seconds, singular and plural", () => {
  assert.equal(durationWords(600_000), "10 minutes");
  assert.equal(durationWords(5_400_000), "1 hour and 30 minutes");
  assert.equal(durationWords(252_000), "4 minutes and 12 seconds");
  assert.equal(durationWords(1000), "1 second");
  assert.equal(durationWords(3_725_000), "1 hour and 2 minutes", "seconds are dropped past an hour");
  assert.equal(durationWords(400), "0 seconds");
  assert.equal(durationAdjective(600_000), "10 minute");
  assert.equal(durationAdjective(5_430_000), "1 hour 30 minute 30 second");
});
