/**
 * Jinja's tests (`x is defined`, `x is number`, `x is divisibleby 3`) and the
 * ones Home Assistant adds (`match`, `search`, `is_number`, `list`, `tuple`,
 * `datetime`, `string_like`, `contains`), by name.
 */
import type { TestFn } from "./evaluate.ts";
import { TemplateRenderError } from "./errors.ts";
import { pyFloat } from "./numbers.ts";
import { contains } from "./operators.ts";
import { regexMatch, regexSearch } from "./regex/index.ts";
import { Callable, compare, DateTime, Dict, equals, isTuple, str, truthy, type Value } from "./values.ts";

const isInt = (v: Value) => typeof v === "bigint";
const isString = (v: Value) => typeof v === "string";

function divisible(v: Value, by: Value): boolean {
  if (typeof v === "bigint" && typeof by === "bigint") {
    if (by === 0n) throw new TemplateRenderError("integer division or modulo by zero");
    return v % by === 0n;
  }
  const x = pyFloat(v);
  const y = pyFloat(by);
  if (x === undefined || y === undefined) throw new TemplateRenderError("divisibleby needs numbers");
  if (y === 0) throw new TemplateRenderError("float modulo");
  return x % y === 0;
}

/** HA's is_number: a float(value) that is finite (strings such as "1.5" count, "nan" does not). */
export function isNumberLike(v: Value): boolean {
  if (typeof v === "boolean" || v === null || v === undefined || v instanceof Dict || Array.isArray(v)) return false;
  const f = pyFloat(v);
  return f !== undefined && Number.isFinite(f);
}

const regexTest = (search: boolean): TestFn => (input, args, ctx) => {
  const pattern = args[0] ?? "";
  if (typeof pattern !== "string") throw new TemplateRenderError("regex test: the pattern must be a string");
  const text = typeof input === "string" ? input : str(input);
  return (search ? regexSearch : regexMatch)(text, pattern, truthy(args[1] ?? false), ctx);
};

const cmp = (accept: (c: number) => boolean): TestFn => (input, [other]) => accept(compare(input, other, "comparison"));

/** The tests by name (`x is <name>`), with Jinja's aliases (`equalto`, `==`, `lessthan`, ...). */
export const TESTS = new Map<string, TestFn>([
  ["defined", (v) => v !== undefined],
  ["undefined", (v) => v === undefined],
  ["none", (v) => v === null],
  ["boolean", (v) => typeof v === "boolean"],
  ["true", (v) => v === true],
  ["false", (v) => v === false],
  ["integer", isInt],
  ["float", (v) => typeof v === "number"],
  ["number", (v) => typeof v === "bigint" || typeof v === "number" || typeof v === "boolean"],
  ["string", isString],
  ["mapping", (v) => v instanceof Dict],
  ["iterable", (v) => typeof v === "string" || Array.isArray(v) || v instanceof Dict],
  ["sequence", (v) => typeof v === "string" || Array.isArray(v) || v instanceof Dict],
  ["callable", (v) => v instanceof Callable],
  ["sameas", (v, [other]) => v === other || (v === null && other === null)],
  ["escaped", () => false],
  ["odd", (v) => typeof v === "bigint" && v % 2n !== 0n],
  ["even", (v) => typeof v === "bigint" && v % 2n === 0n],
  ["divisibleby", (v, [by]) => divisible(v, by)],
  ["lower", (v) => typeof v === "string" && v === v.toLowerCase()],
  ["upper", (v) => typeof v === "string" && v === v.toUpperCase()],
  ["in", (v, [seq], ctx) => contains(seq, v, ctx)],
  ["eq", (v, [other]) => equals(v, other)],
  ["ne", (v, [other]) => !equals(v, other)],
  ["lt", cmp((c) => c < 0)],
  ["le", cmp((c) => c <= 0)],
  ["gt", cmp((c) => c > 0)],
  ["ge", cmp((c) => c >= 0)],
  // Home Assistant's tests.
  ["match", regexTest(false)],
  ["search", regexTest(true)],
  ["is_number", isNumberLike],
  ["list", (v) => Array.isArray(v) && !isTuple(v)],
  ["tuple", (v) => isTuple(v)],
  ["datetime", (v) => v instanceof DateTime],
  ["string_like", (v) => typeof v === "string"],
  ["contains", (v, [item], ctx) => contains(v, item, ctx)],
]);
for (const [alias, name] of [["equalto", "eq"], ["==", "eq"], ["!=", "ne"], ["<", "lt"], ["lessthan", "lt"], ["<=", "le"], [">", "gt"], ["greaterthan", "gt"], [">=", "ge"]] as const) {
  TESTS.set(alias, TESTS.get(name)!);
}
