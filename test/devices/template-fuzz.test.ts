/**
 * Random templates built from the grammar's pieces (names, literals,
 * operators, filters, tests, methods, statements), rendered against a few
 * payloads: every outcome is output, a TemplateError at compile time or a
 * TemplateRenderError at render time, never a JavaScript TypeError or
 * RangeError escaping from inside the engine. Seeded, so every run sends the
 * same templates.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { compileTemplate, renderValueTemplate, TemplateError, TemplateRenderError } from "../../devices/template.ts";
import { mulberry32 } from "../helpers/prng.ts";

const rnd = mulberry32(20261203);
const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const atoms = ["value", "value_json", "value_json.a", "value_json['b']", "1", "2.5", "'s'", "none", "true", "[1,2]", "{'k':1}", "(1,2)", "range(3)", "loop", "ns", "namespace(x=1)", "dict(a=1)", "now()", "x", "''", "-1", "0"];
const ops = [" + ", " - ", " * ", " / ", " // ", " % ", " ** ", " ~ ", " == ", " < ", " in ", " and ", " or ", " if true else "];
const filters = ["int", "float", "round(1)", "default(0)", "string", "list", "first", "last", "length", "lower", "upper", "title", "to_json", "tojson", "from_json", "join(',')", "sort", "unique", "sum", "min", "max", "abs", "bool", "is_defined", "regex_replace('a','b')", "regex_findall('\\\\d')", "timestamp_utc", "as_timestamp", "items", "map('string')", "select('odd')", "reverse", "center(5)", "indent(2)", "truncate(3)", "format(1)", "dictsort", "slugify", "base64_encode", "ord", "flatten", "average", "log", "sqrt", "multiply(2)", "iif(1,2)", "attr('a')", "count", "wordcount", "urlencode", "dump", "md5", "capitalize", "trim", "replace('a','b')", "selectattr('a')", "batch"];
const methods = [".keys()", ".values()", ".items()", ".get('a')", ".split(',')", ".replace('a','b')", ".lower()", ".startswith('a')", ".strip()", ".index(1)", ".count('a')", ".strftime('%Y')", ".year", "[0]", "[1:]", "[::-1]", "['a']", ".a"];
function expr(d: number): string {
  if (d <= 0 || rnd() < 0.3) return pick(atoms) + (rnd() < 0.3 ? pick(methods) : "");
  const r = rnd();
  if (r < 0.4) return expr(d - 1) + pick(ops) + expr(d - 1);
  if (r < 0.7) return `(${expr(d - 1)}) | ${pick(filters)}`;
  if (r < 0.8) return `${expr(d - 1)} is ${pick(["defined", "number", "string", "odd", "mapping", "match('a')", "in [1]"])}`;
  return `(${expr(d - 1)})${pick(methods)}`;
}

test("random templates fail only with the engine's own errors", () => {
  const escaped: string[] = [];
  let rendered = 0;
  for (let i = 0; i < 4000; i++) {
    const kind = rnd();
    const src = kind < 0.6 ? `{{ ${expr(4)} }}` : kind < 0.8 ? `{% for x in ${expr(2)} %}{{ ${expr(2)} }}{% else %}e{% endfor %}` : `{% set ns = namespace(x=0) %}{% if ${expr(2)} %}{% set ns.x = ${expr(2)} %}{% endif %}{{ ns.x }}`;
    try {
      renderValueTemplate(compileTemplate(src), pick(['{"a": 1, "b": [1, 2.5, "x"]}', "ON", "21.5", '{"a": {"b": null}}']));
      rendered++;
    } catch (err) {
      if (!(err instanceof TemplateError) && !(err instanceof TemplateRenderError)) escaped.push(`${(err as Error).name}: ${(err as Error).message} in ${src}`);
    }
  }
  assert.deepEqual(escaped.slice(0, 5), []);
  // The generator is not all noise: a good share of its templates render.
  assert.ok(rendered > 800, `only ${rendered} of 4000 rendered`);
});
