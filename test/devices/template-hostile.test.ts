/**
 * The attacks of ../shared/attacks/03–06 and evil-sensor-config.json, in
 * hearth's own words: no template reaches the JavaScript runtime, and every
 * known blow-up fails inside the render budget instead of stalling the agent.
 * How long each refusal takes is measured in bench/template.ts, not here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { compileTemplate, MAX_TEMPLATE_LENGTH, renderValueTemplate, TemplateBudgetError, TemplateRenderError } from "../../devices/template.ts";
import { SHARED_DATA } from "../helpers/shared-data.ts";

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
  `{{ value.split.__class__.__mro__ }}`,
  `{{ dict.__init__.__globals__ }}`,
  `{{ namespace.constructor("${write}")() }}`,
  `{{ ((value_json|items)|first)[["constructor"]][["constructor"]]("${write}")() }}`,
  `{{ value_json.a.keys.constructor("${write}")() }}`,
  `{% macro m() %}{% endmacro %}{{ m.constructor("${write}")() }}`,
  `{{ lipsum.__globals__.os.popen('id').read() }}`,
  `{{ self.__init__.__globals__.__builtins__ }}`,
];

for (const source of escapes) {
  test(`no host access: ${source.slice(0, 60)}`, () => {
    rmSync(marker, { force: true });
    // Each one fails with an error naming what is undefined; none reaches a function of the host.
    assert.throws(() => renderValueTemplate(compileTemplate(source), '{"a": {"b": 1}}'), (err: Error) => err instanceof TemplateRenderError && /is undefined/.test(err.message));
    assert.ok(!existsSync(marker), "the template wrote a file: code ran");
  });
}

const evilConfig = join(dirname(SHARED_DATA), "attacks", "evil-sensor-config.json");
test("no host access: the value_template of attacks/evil-sensor-config.json", { skip: existsSync(evilConfig) ? undefined : `../shared absent: ${evilConfig} not found` }, () => {
  const config = JSON.parse(readFileSync(evilConfig, "utf8")) as { value_template: string };
  const cwdMarker = "hearth-template-escape-marker";
  rmSync(cwdMarker, { force: true });
  assert.throws(() => renderValueTemplate(compileTemplate(config.value_template), "ON"), /'constructor' is undefined/);
  assert.ok(!existsSync(cwdMarker), "the template wrote its marker file: code ran");
});

const blowUps: Array<[string, string]> = [
  ["center", "{{ 'x' | center(20000000) }}"],
  ["indent", "{{ value | indent(40000000) | length }}"],
  ["nested for over the payload", "{% for a in value %}{% for b in value %}{% for c in value %}{% for d in value %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"],
  ["nested range", "{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}"],
  ["range(1e9)", "{{ range(1000000000) | length }}"],
  ["replace amplification", "{{ value | replace('', value ~ value ~ value ~ value) }}"],
  ["string doubling through a namespace", "{% set ns = namespace(s=value) %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}"],
  ["string repetition", "{{ value * 100000000 }}"],
  ["list repetition", "{{ ([value] * 100000000) | length }}"],
  ["big integer power", "{{ 2 ** 10000000 }}"],
  ["macro recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"],
  ["output flood", "{% for i in range(100000) %}{{ value }}{% endfor %}"],
  ["zfill", "{{ value.zfill(100000000) }}"],
  ["format width", "{{ '%100000000d' | format(1) }}"],
];

for (const [name, source] of blowUps) {
  test(`render budget: ${name} fails with TemplateBudgetError`, () => {
    const template = compileTemplate(source);
    const payload = "y".repeat(300);
    assert.throws(() => renderValueTemplate(template, payload), (err: Error) => err instanceof TemplateBudgetError || /range too big|integer result too large/.test(err.message));
  });
}

test("a regex that backtracking engines take exponential time on is linear here (Pike VM) and simply answers", () => {
  assert.equal(renderValueTemplate(compileTemplate("{{ (value ~ '!') | regex_match('(y+)+$') }}"), "y".repeat(300)), "False");
});

test("ordinary templates still render after the sandboxing", () => {
  const render = (source: string, payload: string) => renderValueTemplate(compileTemplate(source), payload);
  assert.equal(render("{{ value_json.state }}", '{"state": "ON"}'), "ON");
  assert.equal(render("{{ value_json['temperature'] | round(1) }}", '{"temperature": 21.26}'), "21.3");
  assert.equal(render("{{ value.split(',')[1] }}", "a,b,c"), "b");
  assert.equal(render("{% for x in value_json.list %}{{ loop.index }}{{ x }}{% endfor %}", '{"list": ["a", "b"]}'), "1a2b");
  assert.equal(render("{{ value | length }}", "abcd"), "4");
  assert.equal(render("{{ iif(value_json.on, 'yes', 'no') }}", '{"on": true}'), "yes");
  assert.equal(render("{{ value_json.constructor }}", '{"constructor": "data"}'), "data");
  assert.equal(render("{{ value_json.a.b | float | round(1) }}", '{"a": {"b": "21.26"}}'), "21.3");
});

test("numbers stay small enough to print cheaply; long digit strings are not read as ints (Python's 4,300-digit limit)", () => {
  const render = (source: string) => compileTemplate(source)({});
  assert.throws(() => render("{{ 2 ** 500000 }}"), TemplateBudgetError);
  assert.throws(() => render("{{ 2 ** 8000 * 2 ** 8000 }}"), TemplateBudgetError);
  assert.equal(render("{{ 2 ** 64 * 3 }}"), "55340232221128654848");
  assert.equal(render("{{ ('9' * 5000) | int(-1) }}"), "-1");
  assert.equal(renderValueTemplate(compileTemplate("{{ value_json is defined }}"), "9".repeat(5000)), "False");
  assert.throws(() => render("{{ '%.300f' | format(1) }}"), /precision 300 is larger than 100/);
});

test("nested values cannot multiply the work of ==, printing or hashing: a list of 65,536 references to a 65,536-item list", () => {
  const big = "{% set x = [1] * 65536 %}{% set y = [x] * 65536 %}";
  const render = (body: string) => compileTemplate(big + body)({});
  assert.throws(() => render("{{ y == [x + []] * 65536 }}"), TemplateBudgetError);
  assert.throws(() => render("{{ y }}"), TemplateBudgetError);
  assert.throws(() => render("{{ (y | string) | length }}"), TemplateBudgetError);
  assert.throws(() => render("{{ y | unique | list | length }}"), TemplateBudgetError);
  assert.throws(() => render("{{ y | to_json | length }}"), TemplateBudgetError);
  assert.throws(() => compileTemplate("{% set x = ['a' * 60000] * 60000 %}{{ x ~ 'y' }}")({}), TemplateBudgetError);
});

test("a template longer than MAX_TEMPLATE_LENGTH is refused before it is compiled", () => {
  assert.equal(MAX_TEMPLATE_LENGTH, 16 * 1024);
  assert.throws(() => compileTemplate("{{ 1 }}".repeat(9000)), /template of 63000 characters is longer than 16384/);
  assert.equal(compileTemplate(`{{ '${"a".repeat(16000)}' | length }}`)({}), "16000");
});
