import assert from "node:assert/strict";
import { test } from "node:test";
import { colorTemperatureToHs, hsToRgb, rgbToHs, rgbToRgbw, rgbToXy } from "../../../devices/commands/color.ts";

// Expected values computed with Python 3 and colorsys, following homeassistant/util/color.py:
// [rgb, color_RGB_to_xy, color_RGB_to_hs, color_hs_to_RGB(color_RGB_to_hs)].
const TABLE: [[number, number, number], [number, number], [number, number], [number, number, number]][] = [
  [[255, 0, 0], [0.701, 0.299], [0.0, 100.0], [255, 0, 0]],
  [[0, 255, 0], [0.172, 0.747], [120.0, 100.0], [0, 255, 0]],
  [[0, 0, 255], [0.136, 0.04], [240.0, 100.0], [0, 0, 255]],
  [[255, 255, 0], [0.444, 0.517], [60.0, 100.0], [255, 255, 0]],
  [[128, 0, 128], [0.385, 0.155], [300.0, 100.0], [255, 0, 255]],
  [[255, 192, 203], [0.395, 0.311], [349.524, 24.706], [255, 192, 203]],
  [[64, 224, 208], [0.171, 0.369], [174.0, 71.429], [73, 255, 237]],
  [[255, 165, 0], [0.562, 0.417], [38.824, 100.0], [255, 165, 0]],
  [[10, 20, 30], [0.211, 0.25], [210.0, 66.667], [85, 170, 255]],
  [[250, 128, 114], [0.535, 0.326], [6.176, 54.4], [255, 131, 116]],
  [[1, 2, 3], [0.231, 0.279], [210.0, 66.667], [85, 170, 255]],
  [[0, 0, 0], [0.0, 0.0], [0.0, 0.0], [255, 255, 255]],
];

test("RGB to CIE xy, to HS and back match Home Assistant's util/color.py", () => {
  for (const [rgb, xy, hs, back] of TABLE) {
    assert.deepEqual(rgbToXy(rgb), xy, `xy of ${rgb}`);
    assert.deepEqual(rgbToHs(rgb), hs, `hs of ${rgb}`);
    assert.deepEqual(hsToRgb(rgbToHs(rgb)), back, `rgb of hs of ${rgb}`);
  }
});

test("RGBW takes the white out and rescales to the input's maximum", () => {
  assert.deepEqual(rgbToRgbw([255, 128, 0]), [255, 128, 0, 0]);
  assert.deepEqual(rgbToRgbw([255, 255, 255]), [0, 0, 0, 255]);
  // w = 100 → (155, 0, 0, 100), scaled by 255 / 155.
  assert.deepEqual(rgbToRgbw([255, 100, 100]), [255, 0, 0, 165]);
});

test("colour temperature to HS follows Tanner Helland's curve as HA does", () => {
  assert.deepEqual(colorTemperatureToHs(2700), [28.395, 65.723]);
  assert.deepEqual(colorTemperatureToHs(4000), [26.812, 34.87]);
  assert.deepEqual(colorTemperatureToHs(6500), [49.231, 1.944]);
});
