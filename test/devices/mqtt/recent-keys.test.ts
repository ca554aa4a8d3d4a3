import assert from "node:assert/strict";
import { test } from "node:test";
import { RecentKeys } from "../../../devices/mqtt/recent-keys.ts";

test("a key is remembered for ttlMs, then forgotten", () => {
  let now = 1000;
  const keys = new RecentKeys(10, 500, () => now);
  keys.add("a");
  assert.equal(keys.has("a"), true);
  assert.equal(keys.has("b"), false);
  now += 499;
  assert.equal(keys.has("a"), true);
  now += 1;
  assert.equal(keys.has("a"), false);
});

test("at most `capacity` keys are held; the oldest go first", () => {
  let now = 0;
  const keys = new RecentKeys(3, 60_000, () => now);
  for (const k of ["a", "b", "c", "d"]) {
    now++;
    keys.add(k);
  }
  assert.equal(keys.size, 3);
  assert.deepEqual(["a", "b", "c", "d"].map((k) => keys.has(k)), [false, true, true, true]);
  // Seeing a key again makes it the newest.
  keys.add("b");
  keys.add("e");
  assert.deepEqual(["b", "c", "d", "e"].map((k) => keys.has(k)), [true, false, true, true]);
});

test("expired keys are swept on add, so memory follows the rate, not the total", () => {
  let now = 0;
  const keys = new RecentKeys(1_000_000, 100, () => now);
  for (let i = 0; i < 10_000; i++) {
    now += 1;
    keys.add(String(i));
  }
  assert.ok(keys.size <= 101, `${keys.size} keys held`);
});

test("a capacity below 1 is an error", () => {
  assert.throws(() => new RecentKeys(0, 1000), /capacity must be at least 1/);
});
