import assert from "node:assert/strict";
import { test } from "node:test";
import { entropyBin, percentileBin, RangeCollector } from "../../calibration/ranges.ts";

/** Deterministic standard-normal samples (Box–Muller over a fixed LCG). */
function normal(count: number, seed = 1): Float32Array {
  let state = seed;
  const uniform = () => ((state = (state * 1664525 + 1013904223) >>> 0) + 1) / 4294967297;
  return Float32Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

test("minmax keeps the observed range over every run", () => {
  const c = new RangeCollector("minmax");
  c.observeMinMax("t", Float32Array.of(-1, 0.5, 2));
  c.observeMinMax("t", Float32Array.of(-3, 1));
  assert.equal(c.needsHistogram, false);
  assert.deepEqual(c.ranges().get("t"), { min: -3, max: 2 });
});

test("percentile clips the outliers of |x|", () => {
  const values = normal(100_000);
  values[0] = 40; // one outlier far outside the bulk
  const c = new RangeCollector("percentile", 99.9);
  c.observeMinMax("t", values);
  c.observeHistogram("t", values);
  const range = c.ranges().get("t")!;
  // 99.9 % of |N(0,1)| lies below 3.29; bins are 40/2048 wide.
  assert.ok(range.max > 3.2 && range.max < 3.45, `max ${range.max}`);
  assert.ok(range.min < -3.2 && range.min > -3.45, `min ${range.min}`);
});

test("percentileBin finds the bin edge below which the mass lies", () => {
  const h = new Float64Array(10).fill(10);
  assert.equal(percentileBin(h, 50), 5);
  assert.equal(percentileBin(h, 100), 10);
});

test("entropy threshold cuts a long sparse tail but keeps the bulk", () => {
  const values = normal(200_000, 7);
  for (let i = 0; i < 20; i++) values[i] = 30 + i; // sparse tail up to 49
  const c = new RangeCollector("entropy");
  c.observeMinMax("t", values);
  c.observeHistogram("t", values);
  const { max } = c.ranges().get("t")!;
  assert.ok(max > 2.5 && max < 15, `threshold ${max} should sit between the bulk and the tail`);
});

test("entropyBin keeps every bin of a flat histogram", () => {
  assert.equal(entropyBin(new Float64Array(2048).fill(5)), 2048);
});

test("histograms need the min/max pass first", () => {
  assert.throws(() => new RangeCollector("entropy").observeHistogram("t", Float32Array.of(1)), /tensor t: histogram before min\/max pass/);
  assert.throws(() => new RangeCollector("percentile", 0), /percentile must be in \(0, 100\]/);
});
