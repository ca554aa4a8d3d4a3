/**
 * The attacks of ../shared/attacks/03–06 and evil-sensor-config.json, in
 * hearth's own words: no template reaches the JavaScript runtime, and every
 * known blow-up fails inside the render budget instead of stalling the agent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { compileTemplate, renderValueTemplate } from "../../devices/template.ts";

const marker = join(tmpdir(), `hearth-template-marker-${process.pid}`);
const write = `process.getBuiltinModule('fs').writeFileSync('${marker}', 'x'); return 'ran'`;

const escapes = [
  `{{ value.constructor.constructor("${write}")() }}`,
  `{{ value[["constructor"]][["constructor"]]("${write}")() }}`,
  `{{ value_json[["constructor"]][["constructor"]]("${write}")() }}`,
  `{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(constructor), 'constructor').value("${write}")() }}`,
  `{{ range.constructor("${write}")() }}`,
  `{{ iif[["constructor"]]("${write}")() }}`,
  `{{ value["__proto__"]["constructor"]["constructor"]("${write}")() }}`,
  `{{ (value|list)[["constructor"]][["constructor"]]("${write}")() }}`,
  `{{ cycler.constructor("${write}")() }}`,
  `{{ joiner()[["constructor"]][["constructor"]]("${write}")() }}`,
  `{% set f = value[["constructor"]][["constructor"]] %}{{ f("${write}")() }}`,
  `{{ value_json.a[["constructor"]][["constructor"]]("${write}")() }}`,
  `{{ value.split[["constructor"]]("${write}")() }}`,
];

for (const source of escapes) {
  test(`no host access: ${source.slice(0, 60)}`, () => {
    rmSync(marker, { force: true });
    let output: string | undefined;
    try {
      output = renderValueTemplate(compileTemplate(source), '{"a": {"b": 1}}');
    } catch {
      // a render error is the expected outcome
    }
    assert.ok(!existsSync(marker), "the template wrote a file: code ran");
    assert.notEqual(output, "ran");
  });
}

const blowUps: Array<[string, string]> = [
  ["center", "{{ 'x' | center(20000000) }}"],
  ["indent", "{{ value | indent(40000000) | length }}"],
  ["nested for over the payload", "{% for a in value %}{% for b in value %}{% for c in value %}{% for d in value %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"],
  ["nested range", "{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}"],
  ["range(1e9)", "{{ range(1000000000) | length }}"],
  ["replace amplification", "{{ value | replace('', value ~ value ~ value ~ value) }}"],
  ["string repetition by concatenation", "{% set s = value %}{% for i in range(60) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}"],
];

for (const [name, source] of blowUps) {
  test(`render budget: ${name} fails in under 50 ms`, () => {
    const template = compileTemplate(source);
    const payload = "y".repeat(300);
    const started = performance.now();
    assert.throws(() => renderValueTemplate(template, payload), /budget|too big|too long/);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 50 + 25, `${name} took ${elapsed.toFixed(1)} ms`);
  });
}

test("ordinary templates still render after the sandboxing", () => {
  const render = (source: string, payload: string) => renderValueTemplate(compileTemplate(source), payload);
  assert.equal(render("{{ value_json.state }}", '{"state": "ON"}'), "ON");
  assert.equal(render("{{ value_json['temperature'] | round(1) }}", '{"temperature": 21.26}'), "21.3");
  assert.equal(render("{{ value.split(',')[1] }}", "a,b,c"), "b");
  assert.equal(render("{% for x in value_json.list %}{{ loop.index }}{{ x }}{% endfor %}", '{"list": ["a", "b"]}'), "1a2b");
  assert.equal(render("{{ value | length }}", "abcd"), "4");
  assert.equal(render("{{ iif(value_json.on, 'yes', 'no') }}", '{"on": true}'), "yes");
  assert.equal(render("{{ value_json.constructor }}", '{"constructor": "data"}'), "data");
});
