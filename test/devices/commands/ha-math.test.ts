import assert from "node:assert/strict";
import { test } from "node:test";
import { kelvinToMired, percentageToRangedValue, PyFloat, pyFloatString, pyJson, pyRound, scaleToRangedValue } from "../../../devices/commands/ha-math.ts";

test("pyRound rounds exact halves to even, like Python's round()", () => {
  const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, 0], [-1.5, -2], [127.5, 128], [76.5, 76], [25.5, 26], [2.675, 3]];
  for (const [x, expected] of cases) assert.equal(pyRound(x), expected, `round(${x})`);
  // 2.675 is 2.67499999... in binary; 0.125 * 100 is an exact tie.
  const digits: [number, number][] = [[2.675, 2.67], [1.005, 1.0], [0.125, 0.12], [0.375, 0.38]];
  for (const [x, expected] of digits) assert.equal(pyRound(x, 2), expected, `round(${x}, 2)`);
});

test("Python float strings and orjson-style JSON", () => {
  assert.equal(pyFloatString(21), "21.0");
  assert.equal(pyFloatString(21.5), "21.5");
  assert.equal(pyJson({ state: "ON", color: { h: new PyFloat(30), s: new PyFloat(100) }, brightness: 128, skipped: undefined }), '{"state":"ON","color":{"h":30.0,"s":100.0},"brightness":128}');
});

test("HA range helpers", () => {
  assert.equal(percentageToRangedValue(1, 4, 50), 2);
  assert.equal(percentageToRangedValue(1, 3, 67), 2.01);
  assert.equal(scaleToRangedValue([1, 255], [1, 254], 128), (128 * 254) / 255);
  assert.equal(kelvinToMired(2700), 370);
});
