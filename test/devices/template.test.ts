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
