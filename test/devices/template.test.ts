import assert from "node:assert/strict";
import { test } from "node:test";
import { compileTemplate } from "../../devices/template.ts";

test("Jinja dict literals with number keys (Zigbee2MQTT fan templates) compile and look up numbers", () => {
  const template = compileTemplate("{{ {0:'off', 1:'low', 2:'medium', 3:'high', 4:'on'}[value] | default('') }}");
  assert.equal(template({ value: 2 }), "medium");
  assert.equal(template({ value: 0 }), "off");
  assert.equal(template({ value: 9 }), "");
  // Text outside blocks and inside strings is left alone.
  assert.equal(compileTemplate("{1:2} {{ '{1:2}' }}")({}), "{1:2} {1:2}");
});

test("the format filter applies Python %-formatting, as Jinja's does", () => {
  assert.equal(compileTemplate("{{ '%02x%02x%02x' | format(red, green, blue) }}")({ red: 255, green: 8, blue: 0 }), "ff0800");
  assert.equal(compileTemplate("{{ '%.1f' | format(value) }}")({ value: 21 }), "21.0");
  assert.equal(compileTemplate("[{{ '%5d|%-4s|%+d|%03d|%%' | format(42, 'ab', 7, -5) }}]")({}), "[   42|ab  |+7|-05|%]");
  assert.equal(compileTemplate("{{ '%s=%r' | format('a', none) }}")({}), "a=None");
  assert.throws(() => compileTemplate("{{ '%d %d' | format(1) }}")({}), /not enough arguments/);
});
