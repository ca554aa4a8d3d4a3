/** Platt-style calibration with several inputs: fitted probabilities match observed frequencies; held signs hold. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Calibrator, expectedCalibrationError } from "../../../../agent/intent/fallback/calibration.ts";
import { seededRandom } from "../../../../agent/intent/fallback/random.ts";

test("on data drawn from a known logistic model the fit is calibrated", () => {
  const random = seededRandom(7);
  const truth = (x: number[]) => 1 / (1 + Math.exp(-(3 * x[0]! - 2 * x[1]! + 0.5)));
  const examples = Array.from({ length: 4000 }, () => {
    const x = [random() * 2 - 1, random() * 2 - 1];
    return { x, y: random() < truth(x) };
  });
  const fit = Calibrator.fit(examples);
  const held = Array.from({ length: 2000 }, () => {
    const x = [random() * 2 - 1, random() * 2 - 1];
    return { confidence: fit.confidence(x), right: random() < truth(x) };
  });
  assert.ok(expectedCalibrationError(held) < 0.05, `ECE ${expectedCalibrationError(held)}`);
  assert.ok(Math.abs(fit.confidence([0.5, -0.5]) - truth([0.5, -0.5])) < 0.05);
});

test("a weight held to a sign never takes the other one, whatever the examples say", () => {
  const random = seededRandom(3);
  // More of input 0 means wrong here; held to +1 it may only be ignored.
  const examples = Array.from({ length: 1000 }, () => {
    const x = [random()];
    return { x, y: random() > x[0]! };
  });
  const free = Calibrator.fit(examples);
  const held = Calibrator.fit(examples, { signs: [1] });
  assert.ok(free.confidence([0.9]) < free.confidence([0.1]));
  assert.ok(held.confidence([0.9]) >= held.confidence([0.1]) - 1e-9);
});

test("nothing to calibrate against is an error", () => {
  assert.throws(() => Calibrator.fit([]), /no examples/);
  assert.throws(() => Calibrator.fit([{ x: [1], y: true }, { x: [2], y: true }]), /need both outcomes/);
});

test("expected calibration error is zero when the stated confidence is the share right", () => {
  assert.ok(expectedCalibrationError([{ confidence: 0.5, right: true }, { confidence: 0.5, right: false }]) < 1e-12);
  assert.ok(Math.abs(expectedCalibrationError([{ confidence: 0.9, right: false }, { confidence: 0.9, right: false }]) - 0.9) < 1e-12);
});
