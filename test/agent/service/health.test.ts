import assert from "node:assert/strict";
import { test } from "node:test";
import { HealthRegistry } from "../../../agent/service/health.ts";

test("a watched pipeline silent longer than its limit is stale; progress or unwatch clears it", () => {
  const health = new HealthRegistry(1000);
  try {
    health.watch("mqtt", { stallAfterMs: 5000, now: 0 });
    health.progress("microphone:kitchen", 0);
    assert.deepEqual(health.stale(900), []);
    assert.deepEqual(health.stale(1500), ["microphone:kitchen"], "default limit 1000 ms");
    assert.deepEqual(health.stale(6000), ["microphone:kitchen", "mqtt"]);
    health.progress("mqtt", 5500);
    assert.deepEqual(health.stale(6000), ["microphone:kitchen"]);
    health.unwatch("microphone:kitchen");
    assert.deepEqual(health.stale(6000), []);
    const mqtt = health.list(6000)[0]!;
    assert.deepEqual(mqtt, { name: "mqtt", silent_ms: 500, stall_after_ms: 5000, stale: false });
  } finally {
    health.close();
  }
});

test("watching again keeps the last progress time (a state change is not progress by itself)", () => {
  const health = new HealthRegistry(1000);
  try {
    health.watch("controller", { now: 0 });
    health.watch("controller", { now: 5000 });
    assert.deepEqual(health.stale(2000), ["controller"]);
  } finally {
    health.close();
  }
});

test("a blocked event loop longer than the stall limit makes one check unhealthy", async () => {
  const health = new HealthRegistry(1000);
  try {
    health.check();
    await new Promise((r) => setTimeout(r, 50));
    const blockedUntil = Date.now() + 1300;
    while (Date.now() < blockedUntil) {
      // busy: the event loop cannot turn
    }
    await new Promise((r) => setTimeout(r, 50));
    const report = health.check();
    assert.equal(report.healthy, false);
    assert.deepEqual(report.stale, ["event-loop"]);
    assert.ok(report.event_loop_max_delay_ms >= 1000, `max delay ${report.event_loop_max_delay_ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(health.check().healthy, true, "the figure resets after each check");
  } finally {
    health.close();
  }
});
