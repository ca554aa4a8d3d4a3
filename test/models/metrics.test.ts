import assert from "node:assert/strict";
import { test } from "node:test";
import { allInferenceMetrics, InferenceMetrics, metricsFor } from "../../models/metrics.ts";

test("count, total and nearest-rank p50/p95 of run durations", () => {
  const m = new InferenceMetrics("m", "cpu");
  assert.deepEqual(m.stats(), { count: 0, totalMs: 0, meanMs: 0, p50Ms: 0, p95Ms: 0 });
  for (let ms = 100; ms >= 1; ms--) m.record(ms);
  assert.deepEqual(m.stats(), { count: 100, totalMs: 5050, meanMs: 50.5, p50Ms: 50, p95Ms: 95 });
});

test("percentiles cover the most recent 1024 runs; count and total cover all", () => {
  const m = new InferenceMetrics("m", "cpu");
  for (let i = 0; i < 1024; i++) m.record(1000);
  for (let i = 0; i < 1024; i++) m.record(1);
  const s = m.stats();
  assert.equal(s.count, 2048);
  assert.equal(s.totalMs, 1024 * 1001);
  assert.equal(s.p95Ms, 1);
});

test("one registry entry per model", () => {
  const a = metricsFor("registry-test", "cpu");
  assert.equal(metricsFor("registry-test", "cpu"), a);
  assert.ok(allInferenceMetrics().includes(a));
});
