import assert from "node:assert/strict";
import { test } from "node:test";
import { compileTemplate, MAX_RANGE, MAX_RANGE_PER_RENDER, renderValueTemplate } from "../../devices/template.ts";

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

test("templates cannot reach constructors or _-prefixed members (nunjucks is no sandbox; Jinja's refuses them)", () => {
  const render = (source: string) => renderValueTemplate(compileTemplate(source), '{"state":"ON","_hidden":1}');
  assert.throws(() => render("{{ value_json.constructor.constructor('return process')().exit(3) }}"), /Unable to call/);
  assert.throws(() => render("{{ range.constructor('return 1')() }}"), /Unable to call/);
  assert.throws(() => render("{{ ''['constructor']['constructor']('return 1')() }}"), /Unable to call/);
  assert.equal(render("{{ value_json.__proto__ }}{{ value_json._hidden }}{{ cycler.prototype }}"), "");
  // Ordinary members and methods still work.
  assert.equal(render("{{ value_json.state | lower }} {{ value.startsWith('{') }} {{ value_json['state'] }}"), "on true ON");
});

test("range() follows nunjucks and refuses more than Jinja's sandbox MAX_RANGE items", () => {
  const render = (source: string) => renderValueTemplate(compileTemplate(source), "");
  assert.equal(render("{{ range(3) | join(',') }}|{{ range(1, 10, 3) | join(',') }}|{{ range(5, 0, -2) | join(',') }}|{{ range(2, 2) | length }}"), "0,1,2|1,4,7|5,3,1|0");
  assert.equal(render(`{{ range(${MAX_RANGE}) | length }}`), String(MAX_RANGE));
  assert.throws(() => render("{% for i in range(0, 100000000) %}x{% endfor %}"), /range too big: 100000000 items/);
});

test("nested loops share one range() budget per render, so a hostile template cannot hang the agent", () => {
  const nested = compileTemplate("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}");
  const started = Date.now();
  assert.throws(() => nested({}), /loops over more than 10000 items|loops too long/);
  assert.ok(Date.now() - started < 5000);
  // The budget is per render: a modest template still renders after the refusal.
  assert.equal(compileTemplate("{% for i in range(3) %}{{ i }}{% endfor %}")({}), "012");
  assert.equal(MAX_RANGE_PER_RENDER, 1_000_000);
});
