import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "../../../agent/rules/duration.ts";

test("durations parse to milliseconds", () => {
  assert.equal(parseDuration("10 minutes"), 600_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("1h 30m"), 5_400_000);
  assert.equal(parseDuration("2 min 10 s"), 130_000);
  assert.equal(parseDuration("1.5 hours"), 5_400_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("-30 min"), -1_800_000);
  assert.equal(parseDuration("+1d"), 86_400_000);
});

test("bad durations say what is wrong", () => {
  assert.deepEqual(parseDuration("10 minuts"), { error: 'unknown unit "minuts" in "10 minuts" (use ms, s, min, h or d)' });
  assert.deepEqual(parseDuration("ten minutes"), { error: 'not a duration: "ten minutes" (expected e.g. "10 minutes", "90s", "1h 30m")' });
  assert.deepEqual(parseDuration("10"), { error: 'not a duration: "10" (expected e.g. "10 minutes", "90s", "1h 30m")' });
  assert.deepEqual(parseDuration("  "), { error: 'empty duration "  "' });
});

test("durations format for reasons", () => {
  assert.equal(formatDuration(600_000), "10 min");
  assert.equal(formatDuration(3_930_000), "1 h 5 min 30 s");
  assert.equal(formatDuration(-1_200_000), "-20 min");
  assert.equal(formatDuration(250), "250 ms");
});
