import assert from "node:assert/strict";
import { test } from "node:test";
import { operatingCurveSvg, proposeOperatingPoint, type OperatingPoint } from "../../calibration/threshold-curve.ts";

const point = (threshold: number, patience: number, detection_rate: number, fa_rate: number): OperatingPoint => ({ threshold, patience, detection_rate, false_accepts: fa_rate, fa_rate });

test("the proposal is the best detection rate within the budget, then lower patience, then higher threshold", () => {
  const points = [point(0.3, 1, 1, 2), point(0.5, 1, 0.9, 0.4), point(0.6, 1, 0.9, 0), point(0.4, 2, 0.9, 0.2), point(0.8, 1, 0.5, 0)];
  assert.deepEqual(proposeOperatingPoint(points, 0.5), point(0.6, 1, 0.9, 0));
  assert.deepEqual(proposeOperatingPoint(points, 5), point(0.3, 1, 1, 2));
  assert.equal(proposeOperatingPoint([point(0.5, 1, 1, 3)], 0.5), undefined);
});

test("the SVG has one curve per patience and marks the proposal", () => {
  const points = [point(0.3, 1, 1, 2), point(0.5, 1, 0.9, 0.4), point(0.5, 2, 0.8, 0.1)];
  const svg = operatingCurveSvg(points, "a <title>", "FA/hour", 0.5, points[1]);
  assert.equal(svg.match(/<polyline/g)?.length, 2);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /proposed: threshold 0\.5, patience 1/);
  assert.match(svg, /a &lt;title>/);
});
