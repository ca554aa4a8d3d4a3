/** Colour names → light settings: CSS names as said, whites in kelvin, -ish forms, the palette of "a different colour". */
import assert from "node:assert/strict";
import { test } from "node:test";
import { colorListValues, colorSetting, nextPaletteColor } from "../../../agent/resolve/colors.ts";

test("CSS named colours, said with spaces or not, in any case", () => {
  assert.deepEqual(colorSetting("red"), { rgb: [255, 0, 0] });
  assert.deepEqual(colorSetting("Dark Slate Blue"), { rgb: [72, 61, 139] });
  assert.deepEqual(colorSetting("darkslateblue"), { rgb: [72, 61, 139] });
  assert.deepEqual(colorSetting("light goldenrod yellow"), { rgb: [250, 250, 210] });
  assert.deepEqual(colorSetting("grey"), colorSetting("gray"));
  assert.equal(colorSetting("plaid"), undefined);
});

test("whites are colour temperatures; -ish forms are their colour", () => {
  assert.deepEqual(colorSetting("warm white"), { color_temp_kelvin: 2700 });
  assert.deepEqual(colorSetting("daylight"), { color_temp_kelvin: 6500 });
  assert.deepEqual(colorSetting("reddish"), { rgb: [255, 0, 0] });
  assert.deepEqual(colorSetting("redish"), { rgb: [255, 0, 0] });
  assert.deepEqual(colorSetting("bluish"), { rgb: [0, 0, 255] });
  assert.deepEqual(colorSetting("purplish"), { rgb: [128, 0, 128] });
});

test("the colour list says every colour the resolver knows, and only those", () => {
  const values = colorListValues();
  const said = values.map((v) => (typeof v === "string" ? v : v.in));
  for (const name of ["red", "dark slate blue", "darkslateblue", "warm white", "reddish", "blueish", "bluish", "hot pink", "seashell"]) {
    assert.ok(said.includes(name), name);
  }
  for (const v of values) assert.ok(colorSetting(typeof v === "string" ? v : String(v.out)), JSON.stringify(v));
  assert.equal(new Set(said).size, said.length, "no value twice");
});

test("'a different colour' is the palette colour after the nearest one to the light's own", () => {
  assert.deepEqual(nextPaletteColor(undefined), [255, 0, 0]);
  assert.deepEqual(nextPaletteColor([250, 10, 5]), [255, 165, 0]);
  assert.deepEqual(nextPaletteColor([255, 0, 255]), [255, 0, 0]);
});
