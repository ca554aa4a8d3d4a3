import assert from "node:assert/strict";
import { test } from "node:test";
import { reconnectDelayMs } from "../../../devices/mqtt/backoff.ts";

const policy = { minMs: 500, maxMs: 5000 };

test("the delay doubles from minMs and never exceeds maxMs", () => {
  const ceilings = Array.from({ length: 12 }, (_, attempt) => reconnectDelayMs(policy, attempt, () => 0.999999));
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000]);
  // A huge attempt count (a week-long outage) stays at the cap instead of overflowing to Infinity or NaN.
  assert.equal(reconnectDelayMs(policy, 10_000, () => 0.999999), 5000);
});

test("equal jitter: each delay lies in [ceiling/2, ceiling]", () => {
  assert.deepEqual(Array.from({ length: 6 }, (_, attempt) => reconnectDelayMs(policy, attempt, () => 0)), [250, 500, 1000, 2000, 2500, 2500]);
  for (let attempt = 0; attempt < 20; attempt++) {
    const ceiling = Math.min(5000, 500 * 2 ** attempt);
    for (let i = 0; i < 50; i++) {
      const d = reconnectDelayMs(policy, attempt);
      assert.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${attempt}: ${d} outside [${ceiling / 2}, ${ceiling}]`);
    }
  }
});

test("clients reconnecting after one broker restart spread out instead of arriving together", () => {
  const delays = Array.from({ length: 200 }, () => reconnectDelayMs(policy, 5));
  const distinct = new Set(delays).size;
  assert.ok(distinct > 100, `only ${distinct} distinct delays among 200`);
  const spread = Math.max(...delays) - Math.min(...delays);
  assert.ok(spread > 2000, `delays spread over ${spread} ms only`);
});
