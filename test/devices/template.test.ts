import assert from "node:assert/strict";
import { test } from "node:test";
import { compileTemplate, MAX_RANGE, renderValueTemplate, TemplateBudgetError, TemplateError, TemplateRenderError } from "../../devices/template.ts";

const render = (source: string, variables: Record<string, unknown> = {}) => compileTemplate(source)(variables);
const onPayload = (source: string, payload: string) => renderValueTemplate(compileTemplate(source), payload);

test("Jinja dict literals with number keys (Zigbee2MQTT fan templates) look up numbers", () => {
  const template = compileTemplate("{{ {0:'off', 1:'low', 2:'medium', 3:'high', 4:'on'}[value] | default('') }}");
  assert.equal(template({ value: 2 }), "medium");
  assert.equal(template({ value: 0 }), "off");
  assert.equal(template({ value: 9 }), "");
  // Python hashes 1, 1.0 and True alike; "1" is another key.
  assert.equal(render("{{ {1: 'a'}[1.0] }}{{ {1: 'a'}[true] }}{{ {1: 'a'}['1'] | default('-') }}"), "aa-");
  assert.equal(render("{1:2} {{ '{1:2}' }}"), "{1:2} {1:2}");
});

test("values print as Python prints them: True/False/None, floats with a point, lists and dicts as repr", () => {
  assert.equal(onPayload("{{ value_json.on }} {{ value_json.off }} {{ value_json.nothing }}", '{"on": true, "off": false, "nothing": null}'), "True False None");
  assert.equal(onPayload("{{ value_json.t }} {{ value_json.i }} {{ value_json.e }}", '{"t": 21.0, "i": 21, "e": 1e20}'), "21.0 21 1e+20");
  assert.equal(onPayload("{{ value_json.l }} {{ value_json.d }}", '{"l": [1, "a", null], "d": {"k": "it\'s"}}'), `[1, 'a', None] {'k': "it's"}`);
  assert.equal(render("{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 0.1 + 0.2 }}"), "3.5 3 -4 2 1024 0.30000000000000004");
  assert.equal(render("{{ (1, 2) }} {{ (1,) }} {{ 'a' ~ 1 ~ none }}"), "(1, 2) (1,) a1None");
});

test("the format filter and % apply Python printf formatting", () => {
  assert.equal(render("{{ '%02x%02x%02x' | format(red, green, blue) }}", { red: 255, green: 8, blue: 0 }), "ff0800");
  assert.equal(render("{{ '%.1f' | format(value) }}", { value: 21 }), "21.0");
  assert.equal(render("[{{ '%5d|%-4s|%+d|%03d|%%' | format(42, 'ab', 7, -5) }}]"), "[   42|ab  |+7|-05|%]");
  assert.equal(render("{{ '%s=%r' | format('a', none) }} {{ '%s-%s' % ('x', 2) }} {{ '%(a)s' % {'a': 1} }}"), "a=None x-2 1");
  assert.throws(() => render("{{ '%d %d' | format(1) }}"), /not enough arguments/);
});

test("int, float and round follow Home Assistant: a bad input needs a default", () => {
  assert.equal(render("{{ '42.23' | int }} {{ '0x1A' | int(base=16) }} {{ 21.9 | int }} {{ ' 7 ' | int }} {{ true | int }}"), "42 26 21 7 1");
  assert.equal(render("{{ 'abc' | int(0) }} {{ 'abc' | float(1.5) }} {{ none | float(default=2) }} {{ 'x' | round(1, default='n') }}"), "0 1.5 2 n");
  assert.throws(() => render("{{ 'abc' | int }}"), /int got invalid input 'abc' and no default was specified/);
  assert.throws(() => render("{{ 'abc' | float }}"), /float got invalid input/);
  assert.equal(render("{{ '1.5' | float }} {{ 3 | float }} {{ 'inf' | float }} {{ float('2.5') + 1 }} {{ int('9') }}"), "1.5 3.0 inf 3.5 9");
  // Python rounds the exact binary value, ties to even; precision 0 gives an int.
  assert.equal(render("{{ 2.5 | round }} {{ 3.5 | round }} {{ 0.125 | round(2) }} {{ 2.675 | round(2) }} {{ 21.26 | round(1) }} {{ -1.5 | round }}"), "2 4 0.12 2.67 21.3 -2");
  assert.equal(render("{{ 1234 | round(-2) }} {{ 2.1 | round(0, 'ceil') }} {{ 2.9 | round(0, 'floor') }} {{ 2.3 | round(1, 'half') }} {{ '20' | round(1) }}"), "1200.0 3 2 2.5 20.0");
});

test("default, iif, is_defined and the defined tests", () => {
  const payload = '{"a": {"b": 0}, "empty": ""}';
  assert.equal(onPayload("{{ value_json.x | default('d') }} {{ value_json.empty | default('d') }} {{ value_json.empty | default('d', true) }}", payload), "d  d");
  assert.equal(onPayload("{{ value_json.a is defined }} {{ value_json.x is defined }} {{ value_json.x is undefined }} {{ value_json.a.b is not none }}", payload), "True False True True");
  assert.equal(onPayload("{{ iif(value_json.a.b, 'yes', 'no') }} {{ value_json.a.b | iif('yes', 'no') }} {{ none | iif('y', 'n', 'none') }}", payload), "no no none");
  assert.equal(onPayload("{{ value_json.a.b | is_defined }}", payload), "0");
  assert.throws(() => onPayload("{{ value_json.x | is_defined }}", payload), /is_defined: the value is undefined/);
  // Looking a member up on an undefined value is an error, as in Jinja; printing one prints nothing.
  assert.throws(() => onPayload("{{ value_json.x.y }}", payload), (err: Error) => err instanceof TemplateRenderError && /'value_json.x' is undefined/.test(err.message));
  assert.equal(onPayload("[{{ value_json.x }}][{{ nothing }}]", payload), "[][]");
});

test("statements: if/elif/else, for with loop variables, filter and else, set and namespace, macros", () => {
  assert.equal(render("{% if v > 2 %}big{% elif v > 1 %}mid{% else %}small{% endif %}", { v: 2 }), "mid");
  assert.equal(render("{% for x in items %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}", { items: ["a", "b", "c"] }), "1a,2b,3c");
  assert.equal(render("{% for x in items if x > 1 %}{{ x }}/{{ loop.length }} {% else %}none{% endfor %}", { items: [1, 2, 3] }), "2/2 3/2");
  assert.equal(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  assert.equal(render("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", { d: { a: 1, b: 2 } }), "a=1;b=2;");
  assert.equal(render("{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"), "13");
  // A set inside a loop does not leak out (Jinja scoping); a namespace carries values out.
  assert.equal(render("{% set n = 0 %}{% for x in [1, 2] %}{% set n = n + x %}{% endfor %}{{ n }}"), "0");
  assert.equal(render("{% set ns = namespace(n=0) %}{% for x in [1, 2] %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}"), "3");
  assert.equal(render("{% set a, b = 1, 2 %}{{ a + b }} {% set block %}x{{ a }}{% endset %}{{ block | upper }}"), "3 X1");
  assert.equal(render("{% macro pct(v, scale=255) %}{{ (v * 100 / scale) | round }}{% endmacro %}{{ pct(128) }} {{ pct(5, scale=10) }}"), "50 50");
  assert.equal(render("{{ 'on' if value else 'off' }} {{ 'x' if false }}!", { value: 1 }), "on !");
  assert.equal(render("  {%- if true -%}  x  {%- endif -%}  "), "x");
  assert.equal(render("{% raw %}{{ not rendered }}{% endraw %}"), "{{ not rendered }}");
});

test("Python methods on dicts, lists and strings (Bosch climates call values.keys(); issue 12 F03)", () => {
  const bosch = compileTemplate("{% set values = { 'auto':'schedule','heat':'manual','off':'pause'} %}{\"operating_mode\": \"{{ values[value] if value in values.keys() else 'pause' }}\"}");
  assert.equal(bosch({ value: "heat" }), '{"operating_mode": "manual"}');
  assert.equal(bosch({ value: "cool" }), '{"operating_mode": "pause"}');
  const d = { d: { a: 1, b: "x" } };
  assert.equal(render("{{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list }} {{ d.get('a') }} {{ d.get('z', 'no') }} {{ d.get('z') }}", d), "['a', 'b'] [1, 'x'] [('a', 1), ('b', 'x')] 1 no None");
  assert.equal(render("{{ s.split(',') }} {{ s.split(',', 1) }} {{ ' a  b '.split() }} {{ s.replace(',', ';') }} {{ s.upper() }} {{ 'ABC'.lower() }}", { s: "a,b,c" }), "['a', 'b', 'c'] ['a', 'b,c'] ['a', 'b'] a;b;c A,B,C abc");
  assert.equal(render("{{ s.startswith('zig') }} {{ s.endswith(('x', 'mqtt')) }} {{ s.find('2') }} {{ s.title() }} {{ '  x '.strip() }} {{ s.count('g') }}", { s: "zigbee2mqtt" }), "True True 6 Zigbee2Mqtt x 1");
  assert.equal(render("{{ [1, 2, 2].count(2) }} {{ ['a', 'b'].index('b') }} {{ '-'.join(['a', 'b']) }} {{ 'abc'[1:] }} {{ [1,2,3][::-1] }} {{ 'abc'[-1] }}"), "2 1 a-b bc [3, 2, 1] c");
  // Methods that would change a value are not offered (HA's sandbox is immutable).
  assert.throws(() => render("{{ [1].append(2) }}"), /undefined and cannot be called/);
});

test("HA's JSON filters: to_json is compact and keeps order, tojson is Jinja's, from_json reads ints and floats", () => {
  const p = '{"b": 1, "a": [1.0, "é"], "c": null}';
  assert.equal(onPayload("{{ value_json | to_json }}", p), '{"b":1,"a":[1.0,"é"],"c":null}');
  assert.equal(onPayload("{{ value_json | to_json(sort_keys=true, ensure_ascii=true) }}", p), '{"a":[1.0,"\\u00e9"],"b":1,"c":null}');
  assert.equal(onPayload("{{ value_json | tojson }}", p), '{"a": [1.0, "\\u00e9"], "b": 1, "c": null}');
  assert.equal(render("{{ ('{\"x\": [1, 2.5]}' | from_json).x[1] }} {{ 'nope' | from_json(default='bad') }}"), "2.5 bad");
  assert.equal(onPayload("{{ value_json.__proto__ }} {{ value_json.constructor }}", '{"__proto__": "p", "constructor": "c"}'), "p c");
});

test("regex filters and tests use Python's syntax (named groups, classes, anchors)", () => {
  assert.equal(render("{{ 'button_1_press' | regex_match('^(?P<b>button_[0-9]+)_(press|hold)$') }} {{ 'xab' | regex_match('ab') }} {{ 'xab' | regex_search('ab') }}"), "True False True");
  assert.equal(render("{{ 'a1b22c333' | regex_findall('\\\\d+') }} {{ 'k=v;x=y' | regex_findall('(\\\\w)=(\\\\w)') }} {{ 'a1b2' | regex_findall_index('\\\\d', 1) }}"), "['1', '22', '333'] [('k', 'v'), ('x', 'y')] 2");
  assert.equal(render("{{ 'Hello World' | regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\1') }} {{ 'ABC' | regex_replace('b', '-', ignorecase=true) }}"), "World Hello A-C");
  assert.equal(render("{{ 'abc' is match('a') }} {{ 'abc' is search('c$') }}"), "True True");
  assert.throws(() => render("{{ 'aa' | regex_match('(a)\\\\1') }}"), /backreferences are not supported/);
});

test("time: timestamp filters, as_timestamp, now() and strftime", () => {
  assert.equal(render("{{ 0 | timestamp_utc }} {{ 86400.5 | timestamp_custom('%Y-%m-%d %H:%M:%S.%f', false) }}"), "1970-01-01T00:00:00+00:00 1970-01-02 00:00:00.500000");
  assert.equal(render("{{ as_timestamp('2024-03-01T12:00:00+00:00') }} {{ '2024-03-01T12:00:00Z' | as_timestamp }} {{ 'never' | as_timestamp(0) }}"), "1709294400.0 1709294400.0 0");
  const year = new Date().getFullYear();
  assert.equal(render("{{ now().year }} {{ utcnow().strftime('%Y') }}"), `${year} ${new Date().getUTCFullYear()}`);
  assert.throws(() => render("{{ 'x' | timestamp_local }}"), /timestamp_local got invalid input/);
});

test("text and list filters", () => {
  assert.equal(render("{{ 'hello WORLD' | title }}|{{ 'hello' | capitalize }}|{{ ' x ' | trim }}|{{ 'ab' | center(6) }}|{{ 'a\nb' | indent(2) }}"), "Hello World|Hello|x|  ab  |a\n  b");
  assert.equal(render("{{ [3, 1, 2] | sort | join(',') }} {{ [3, 1, 2] | sort(reverse=true) | first }} {{ [1, 2, 3] | last }} {{ [1, 2, 3] | sum }} {{ [1, 5, 2] | max }} {{ min(4, 2, 8) }}"), "1,2,3 3 3 6 5 2");
  assert.equal(render("{{ 'abcd' | length }} {{ [1, 2] | count }} {{ 'ab' | list }} {{ [1, 1, 2] | unique | list }} {{ [-3] | map('abs') | list }}"), "4 2 ['a', 'b'] [1, 2] [3]");
  assert.equal(render("{{ items | selectattr('on') | map(attribute='n') | join }} {{ items | rejectattr('n', 'eq', 'a') | map(attribute='n') | list }} {{ [1, 2, 3, 4] | select('even') | list }}", { items: [{ n: "a", on: true }, { n: "b", on: false }] }), "a ['b'] [2, 4]");
  assert.equal(render("{{ 'a b c d e f' | truncate(5, true, '', 0) }} {{ 'x' * 3 }} {{ [1] + [2] }} {{ 'yes' | bool }} {{ 0 | bool }} {{ 'maybe' | bool(none) }}"), "a b c xxx [1, 2] True False None");
  assert.equal(render("{{ 12 | bitwise_and(4) }} {{ 'A' | ord }} {{ 'hi' | base64_encode }} {{ 'aGk=' | base64_decode }} {{ 'Hé llo!' | slugify }} {{ 3 | ordinal }} {{ 'abc' | md5 }}"), "4 65 aGk= hi he_llo 3rd 900150983cd24fb0d6963f7d28e17f72");
  assert.equal(render("{{ 100 | log(10) }} {{ 16 | sqrt }} {{ 'x' | is_number }} {{ '1.5' | is_number }} {{ 2 | multiply(1.5) }} {{ zip([1, 2], 'ab') | list }}"), "2.0 4.0 False True 3.0 [(1, 'a'), (2, 'b')]");
});

test("range() follows Jinja's sandbox and refuses more than MAX_RANGE items", () => {
  assert.equal(render("{{ range(3) | join(',') }}|{{ range(1, 10, 3) | join(',') }}|{{ range(5, 0, -2) | join(',') }}|{{ range(2, 2) | length }}"), "0,1,2|1,4,7|5,3,1|0");
  assert.equal(render(`{{ range(${MAX_RANGE}) | length }}`), String(MAX_RANGE));
  assert.throws(() => render("{% for i in range(0, 100000000) %}x{% endfor %}"), /range too big: 100000000 items/);
});

test("bad templates fail to compile with the reason; unknown functions fail when called", () => {
  assert.throws(() => compileTemplate("{{ value | nosuchfilter }}"), (err: Error) => err instanceof TemplateError && /no filter named 'nosuchfilter'/.test(err.message));
  assert.throws(() => compileTemplate("{{ value is nosuchtest }}"), /no test named 'nosuchtest'/);
  assert.throws(() => compileTemplate("{% include 'x' %}"), /unsupported tag 'include'/);
  assert.throws(() => compileTemplate("{{ value "), /unclosed \{\{/);
  assert.throws(() => compileTemplate("{% if x %}y"), /missing \{% endif %\}/);
  assert.throws(() => render("{{ states('light.x') }}"), /'states' is undefined and cannot be called/);
  assert.throws(() => render("{{ 1 + 'a' }}"), /unsupported operand type\(s\) for \+: 'int' and 'str'/);
});

test("variables must be JSON-like: host functions and objects never enter a render", () => {
  assert.throws(() => render("{{ f }}", { f: () => 1 }), /JSON-like/);
  assert.throws(() => render("{{ d }}", { d: new Date() }), /JSON-like/);
});

test("the budget is per render: a refused render does not spend the next one's", () => {
  const heavy = compileTemplate("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}");
  assert.throws(() => heavy({}), TemplateBudgetError);
  assert.equal(render("{% for i in range(3) %}{{ i }}{% endfor %}"), "012");
  // A loop of ordinary size stays well inside the budget.
  assert.equal(render("{% for i in range(500) %}{% if i % 100 == 0 %}{{ i }},{% endif %}{% endfor %}"), "0,100,200,300,400,");
});

test("custom intents' default payload `{{ slots | dump }}` (nunjucks' dump) renders the slots as JSON", () => {
  assert.equal(render("{{ slots | dump }}", { slots: { coffeeDrink: "latte", size: 2, extra: null } }), '{"coffeeDrink":"latte","size":2,"extra":null}');
  assert.equal(render("{{ slots.note }}", { slots: { note: "{{ 7*7 }}" } }), "{{ 7*7 }}");
});

test("a payload's JSON is read as Python reads it, on the fast path and the exact one", () => {
  const t = compileTemplate("{{ value_json.t }} {{ value_json.i }} {{ value_json.l }}");
  assert.equal(renderValueTemplate(t, '{"t": 21.0, "i": 21, "l": [1e3, 12345678901234567890]}'), "21.0 21 [1000.0, 12345678901234567890]");
  assert.equal(renderValueTemplate(t, '{"t": 21.5, "i": -3, "l": ["a.0"]}'), "21.5 -3 ['a.0']");
  // Not JSON, or JSON nested past the limit: value_json is undefined, value is the text.
  assert.equal(onPayload("{{ value_json is defined }} {{ value }}", "ON"), "False ON");
  assert.equal(onPayload("{{ value_json is defined }}", "[".repeat(100) + "]".repeat(100)), "False");
});
