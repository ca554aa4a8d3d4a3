import assert from "node:assert/strict";
import { test } from "node:test";
import { SendQuota } from "../../../devices/mqtt/send-quota.ts";

test("at most `capacity` slots are taken; waiters get freed slots in order", async () => {
  const quota = new SendQuota(2);
  const order: number[] = [];
  const takers = [0, 1, 2, 3].map((i) => quota.acquire().then(() => order.push(i)));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0, 1]);
  assert.deepEqual(quota.usage, { inFlight: 2, waiting: 2, capacity: 2 });
  quota.release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0, 1, 2]);
  // A broker with a larger Receive Maximum on the next CONNACK lets the rest go at once.
  quota.setCapacity(10);
  await Promise.all(takers);
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(quota.usage, { inFlight: 3, waiting: 0, capacity: 10 });
});

test("a newcomer does not overtake waiters", async () => {
  const quota = new SendQuota(1);
  await quota.acquire();
  const order: string[] = [];
  const first = quota.acquire().then(() => order.push("first"));
  quota.release();
  const second = quota.acquire().then(() => order.push("second"));
  await first;
  quota.release();
  await second;
  assert.deepEqual(order, ["first", "second"]);
});
