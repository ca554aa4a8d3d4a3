/**
 * The filters a template can apply: Jinja's built-ins that discovery
 * templates use, with Home Assistant's versions where HA replaces them
 * (`int`, `float`, `round`, `min`, `max`, `bool`) and HA's own (`iif`,
 * `is_defined`, `to_json`, `from_json`, `regex_*`, `timestamp_*`,
 * `as_timestamp`, `as_datetime`, math, bitwise, `base64_*`, `slugify`,
 * hashes). HA's "no default was specified" errors are kept: `'abc' | int`
 * fails, `'abc' | int(0)` is 0. Every filter that builds a string or list
 * checks its size against the render budget before building it.
 */
import { createHash } from "node:crypto";
import { argsOf, type Args } from "./args.ts";
import type { FilterFn } from "./evaluate.ts";
import { TemplateRenderError } from "./errors.ts";
import { percentFormat } from "./format.ts";
import { dumpJson, parseJson } from "./json.ts";
import { capitalize, center, replaceString, split, titleCase } from "./methods.ts";
import { getAttr, getItem } from "./access.ts";
import { pyFloat, pyInt, pyRound } from "./numbers.ts";
import { contains } from "./operators.ts";
import { regexFindall, regexMatch, regexReplace, regexSearch } from "./regex/index.ts";
import { isNumberLike } from "./tests.ts";
import { asTimestamp, formatTimestamp, noDefault, toDateTime } from "./time.ts";
import { compare, DateTime, Dict, equals, isNumeric, isTuple, iterate, repr, str, toFloat, truthy, tuple, typeName, type CallContext, type Kwargs, type Value } from "./values.ts";

type Filter = (input: Value, a: Args, ctx: CallContext) => Value;

/** A sentinel for HA's `default=_SENTINEL`: an omitted default, as opposed to `default=None`. */
const omitted = (a: Args, index: number, name: string): Value | undefined => (a.given(index, name) ? a.get(index, name) ?? null : undefined);

/**
 * An attribute path as Jinja's `make_attrgetter` reads it: `"a.b"` looks up
 * `a` then `b`, digits are list indices, an int is one index.
 */
export function attributeGetter(attribute: Value, fallback?: Value): (item: Value) => Value {
  const parts: Value[] = typeof attribute === "string" ? attribute.split(".").map((p) => (/^\d+$/.test(p) ? BigInt(p) : p)) : [attribute];
  return (item) => {
    let v = item;
    for (const p of parts) {
      if (v === undefined) break;
      // Jinja's getitem: the item first, then the attribute.
      v = getItem(v, p);
    }
    return v === undefined ? fallback : v;
  };
}

function length(v: Value): bigint {
  if (v === undefined) return 0n;
  if (typeof v === "string") return BigInt([...v].length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Dict) return BigInt(v.size);
  throw new TemplateRenderError(`object of type '${typeName(v)}' has no len()`);
}

function itemsOf(v: Value, what: string, ctx: CallContext): readonly Value[] {
  const items = iterate(v, what);
  ctx.step(Math.ceil(items.length / 16));
  return items;
}

/** Python `sorted` with Jinja's case-insensitive default for strings. */
function sortKey(caseSensitive: boolean) {
  return (v: Value) => (!caseSensitive && typeof v === "string" ? v.toLowerCase() : v);
}

function sortItems(items: readonly Value[], key: (v: Value) => Value, reverse: boolean, ctx: CallContext): Value[] {
  ctx.step(Math.ceil((items.length * Math.log2(items.length + 2)) / 8));
  const keyed = items.map((v) => [key(v), v] as const);
  keyed.sort(([a], [b]) => compare(a, b, "<"));
  const out = keyed.map(([, v]) => v);
  return reverse ? out.reverse() : out;
}

function minMax(items: readonly Value[], pick: (c: number) => boolean, a: Args, ctx: CallContext): Value {
  if (!items.length) return undefined;
  const key = sortKey(truthy(a.get(0, "case_sensitive", false)));
  const attribute = a.get(1, "attribute");
  const get = attribute === undefined || attribute === null ? (v: Value) => v : attributeGetter(attribute);
  ctx.step(Math.ceil(items.length / 16));
  let best = items[0];
  for (const item of items.slice(1)) if (pick(compare(key(get(item)), key(get(best)), "<"))) best = item;
  return best;
}

/** The items a select/reject(attr) filter keeps. */
function selectItems(input: Value, a: Args, ctx: CallContext, byAttribute: boolean, keep: boolean): Value[] {
  const items = itemsOf(input, byAttribute ? "selectattr" : "select", ctx);
  const offset = byAttribute ? 1 : 0;
  const get = byAttribute ? attributeGetter(a.get(0, "attribute")) : (v: Value) => v;
  const testName = a.positional[offset];
  const testArgs = a.positional.slice(offset + 1);
  const check = (v: Value) => {
    ctx.step();
    if (testName === undefined) return truthy(v);
    if (typeof testName !== "string") throw new TemplateRenderError("select/reject: the test name must be a string");
    return ctx.applyTest(testName, v, [...testArgs]);
  };
  return items.filter((item) => check(get(item)) === keep);
}

function mathFilter(name: string, fn: (x: number, a: Args) => number, defaultIndex = 0): Filter {
  return (v, a) => {
    const x = pyFloat(v);
    if (x === undefined) return noDefault(name, v, omitted(a, defaultIndex, "default"));
    try {
      const result = fn(x, a);
      if (Number.isNaN(result) && !Number.isNaN(x)) throw new TemplateRenderError("math domain error");
      return result;
    } catch (err) {
      const fallback = omitted(a, defaultIndex, "default");
      if (fallback !== undefined) return fallback;
      throw err;
    }
  };
}

function bitwise(name: string, op: (x: bigint, y: bigint) => bigint): Filter {
  return (v, a) => {
    const x = pyInt(v);
    const y = pyInt(a.get(0, "other_value"));
    if (x === undefined || y === undefined) throw new TemplateRenderError(`${name} needs integers, got ${repr(v)} and ${repr(a.get(0, "other_value"))}`);
    return op(x, y);
  };
}

/** HA's `forgiving_boolean` (config_validation.boolean): yes/no/on/off/true/false/1/0/enable/disable and numbers. */
export function pyBool(v: Value, fallback: Value | undefined): Value {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const s = v.toLowerCase().trim();
    if (["1", "true", "yes", "on", "enable"].includes(s)) return true;
    if (["0", "false", "no", "off", "disable"].includes(s)) return false;
  } else if (isNumeric(v)) {
    return toFloat(v) !== 0;
  }
  return noDefault("bool", v, fallback);
}

/** HA's `to_json` (orjson): compact, keys in order, non-ASCII kept; `pretty_print` indents by two. */
export function toJson(v: Value, a: Args, ctx: CallContext): string {
  return dumpJson(v, {
    ensureAscii: truthy(a.get(0, "ensure_ascii", false)),
    indent: truthy(a.get(1, "pretty_print", false)) ? 2 : undefined,
    sortKeys: truthy(a.get(2, "sort_keys", false)),
  }, (size) => ctx.checkSize(size, "to_json result"));
}

function regexArgs(v: Value, a: Args): { text: string; pattern: string; ignoreCase: boolean } {
  const pattern = a.get(0, "find", "");
  if (typeof pattern !== "string") throw new TemplateRenderError("regex filter: the pattern must be a string");
  return { text: typeof v === "string" ? v : str(v), pattern, ignoreCase: truthy(a.get(1, "ignorecase", false)) };
}

function slugify(text: string, separator: string): string {
  const ascii = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  return ascii.replace(/[^a-z0-9]+/g, separator).replace(new RegExp(`^${separator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}+|${separator.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}+$`, "g"), "");
}

function ordinal(n: bigint): string {
  const tens = n % 100n;
  const suffix = tens >= 11n && tens <= 13n ? "th" : (["th", "st", "nd", "rd"][Number(n % 10n)] ?? "th");
  return `${n}${suffix}`;
}

function hash(algorithm: string): Filter {
  return (v) => createHash(algorithm).update(str(v), "utf8").digest("hex");
}

function htmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
}

/** Jinja's `indent` (with its trailing-newline quirk), sized before it is built. */
function indent(v: Value, a: Args, ctx: CallContext): string {
  const width = a.get(0, "width", 4n);
  let unit: string;
  if (typeof width === "string") {
    unit = width;
  } else {
    const n = Number(pyInt(width) ?? 0n);
    ctx.checkSize(n, "indent width");
    unit = " ".repeat(Math.max(0, n));
  }
  const lines = `${str(v)}\n`.split(/\r\n|\n|\r/).slice(0, -1);
  ctx.checkSize(str(v).length + (lines.length + 1) * unit.length, "indented string");
  const first = truthy(a.get(1, "first", false));
  const blank = truthy(a.get(2, "blank", false));
  let out: string;
  if (blank) out = lines.join(`\n${unit}`);
  else out = lines[0]! + (lines.length > 1 ? `\n${lines.slice(1).map((line) => (line ? unit + line : line)).join("\n")}` : "");
  return first ? unit + out : out;
}

function truncate(v: Value, a: Args): string {
  const s = str(v);
  const max = a.int(0, "length", 255);
  const killwords = truthy(a.get(1, "killwords", false));
  const end = a.string(2, "end", "...");
  const leewayValue = a.get(3, "leeway", null);
  const leeway = leewayValue === null ? 5 : Number(pyInt(leewayValue) ?? 5n);
  if (max < end.length) throw new TemplateRenderError(`truncate: expected length >= ${end.length}, got ${max}`);
  const chars = [...s];
  if (chars.length <= max + leeway) return s;
  const head = chars.slice(0, max - end.length).join("");
  if (killwords) return head + end;
  const space = head.lastIndexOf(" ");
  return (space < 0 ? head : head.slice(0, space)) + end;
}

const FILTERS = new Map<string, Filter>([
  ["abs", (v) => {
    if (typeof v === "bigint") return v < 0n ? -v : v;
    if (typeof v === "boolean") return v ? 1n : 0n;
    if (typeof v === "number") return Math.abs(v);
    throw new TemplateRenderError(`bad operand type for abs(): '${typeName(v)}'`);
  }],
  ["attr", (v, a) => getAttr(v, a.string(0, "name"))],
  ["capitalize", (v) => capitalize(str(v))],
  ["center", (v, a, ctx) => center(str(v), a.int(0, "width", 80), ctx)],
  ["count", (v) => length(v)],
  ["default", (v, a) => {
    const fallback = a.get(0, "default_value", "");
    if (v === undefined || (truthy(a.get(1, "boolean", false)) && !truthy(v))) return fallback;
    return v;
  }],
  ["dictsort", (v, a, ctx) => {
    if (!(v instanceof Dict)) throw new TemplateRenderError("dictsort: the input must be a dict");
    const byValue = a.get(1, "by", "key") === "value";
    const key = sortKey(truthy(a.get(0, "case_sensitive", false)));
    return sortItems(v.pairs().map((p) => tuple(p)), (pair) => key((pair as Value[])[byValue ? 1 : 0]), truthy(a.get(2, "reverse", false)), ctx);
  }],
  ["escape", (v) => htmlEscape(str(v))],
  ["first", (v) => {
    const items = iterate(v, "first");
    return items[0];
  }],
  ["last", (v) => {
    const items = iterate(v, "last");
    return items[items.length - 1];
  }],
  ["float", (v, a) => pyFloat(v) ?? noDefault("float", v, omitted(a, 0, "default"))],
  ["int", (v, a) => {
    const base = a.int(1, "base", 10);
    return pyInt(v, base) ?? noDefault("int", v, omitted(a, 0, "default"));
  }],
  ["bool", (v, a) => pyBool(v, omitted(a, 0, "default"))],
  ["format", (v, a, ctx) => {
    if (a.kwargs.size && a.positional.length) throw new TemplateRenderError("format: give positional or keyword arguments, not both");
    const result = a.kwargs.size ? percentFormat(str(v), [], Dict.fromPairs(a.kwargs)) : percentFormat(str(v), a.positional);
    ctx.checkSize(result.length, "format result");
    return result;
  }],
  ["indent", (v, a, ctx) => indent(v, a, ctx)],
  ["items", (v) => {
    if (v === undefined) return [];
    if (!(v instanceof Dict)) throw new TemplateRenderError(`items: expected a dict, got ${typeName(v)}`);
    return v.pairs().map((p) => tuple(p));
  }],
  ["join", (v, a, ctx) => {
    const attribute = a.get(1, "attribute");
    const get = attribute === undefined || attribute === null ? (x: Value) => x : attributeGetter(attribute);
    const parts = itemsOf(v, "join", ctx).map((x) => str(get(x)));
    const sep = str(a.get(0, "d", ""));
    ctx.checkSize(parts.reduce((n, p) => n + p.length, 0) + sep.length * Math.max(0, parts.length - 1), "joined string");
    return parts.join(sep);
  }],
  ["length", (v) => length(v)],
  ["list", (v, _a, ctx) => [...itemsOf(v, "list", ctx)]],
  ["lower", (v) => str(v).toLowerCase()],
  ["upper", (v) => str(v).toUpperCase()],
  ["title", (v) => titleCase(str(v))],
  ["trim", (v, a) => {
    const chars = a.get(0, "chars");
    return chars === undefined || chars === null ? str(v).replace(/^[\s]+|[\s]+$/g, "") : stripWith(str(v), str(chars));
  }],
  ["map", (v, a, ctx) => {
    const items = itemsOf(v, "map", ctx);
    if (a.kwargs.has("attribute")) {
      const get = attributeGetter(a.kwargs.get("attribute"), a.kwargs.get("default"));
      return items.map(get);
    }
    const name = a.positional[0];
    if (typeof name !== "string") throw new TemplateRenderError("map: give a filter name or attribute=");
    return items.map((item) => ctx.applyFilter(name, item, [...a.positional.slice(1)]));
  }],
  ["max", (v, a, ctx) => minMax(itemsOf(v, "max", ctx), (c) => c > 0, a, ctx)],
  ["min", (v, a, ctx) => minMax(itemsOf(v, "min", ctx), (c) => c < 0, a, ctx)],
  ["reject", (v, a, ctx) => selectItems(v, a, ctx, false, false)],
  ["rejectattr", (v, a, ctx) => selectItems(v, a, ctx, true, false)],
  ["select", (v, a, ctx) => selectItems(v, a, ctx, false, true)],
  ["selectattr", (v, a, ctx) => selectItems(v, a, ctx, true, true)],
  ["replace", (v, a, ctx) => {
    const count = a.get(2, "count", null);
    return replaceString(str(v), str(a.get(0, "old")), str(a.get(1, "new")), count === null ? -1 : Number(pyInt(count) ?? -1n), ctx);
  }],
  ["reverse", (v, _a, ctx) => {
    if (typeof v === "string") return [...v].reverse().join("");
    return [...itemsOf(v, "reverse", ctx)].reverse();
  }],
  ["round", (v, a) => {
    const precision = a.int(0, "precision", 0);
    const method = a.get(1, "method", "common");
    const x = pyFloat(v);
    if (x === undefined) return noDefault("round", v, omitted(a, 2, "default"));
    const m = 10 ** precision;
    let r: number;
    if (method === "ceil") r = Math.ceil(x * m) / m;
    else if (method === "floor") r = Math.floor(x * m) / m;
    else if (method === "half") r = pyRound(x * 2, 0) / 2;
    else r = pyRound(x, precision);
    if (precision !== 0) return r;
    if (!Number.isFinite(r)) return noDefault("round", v, omitted(a, 2, "default"));
    return BigInt(Math.trunc(r));
  }],
  ["safe", (v) => v],
  ["sort", (v, a, ctx) => {
    const attribute = a.get(2, "attribute");
    const get = attribute === undefined || attribute === null ? (x: Value) => x : attributeGetter(attribute);
    const key = sortKey(truthy(a.get(1, "case_sensitive", false)));
    return sortItems(itemsOf(v, "sort", ctx), (x) => key(get(x)), truthy(a.get(0, "reverse", false)), ctx);
  }],
  ["string", (v) => str(v)],
  ["sum", (v, a, ctx) => {
    const attribute = a.get(0, "attribute");
    const get = attribute === undefined || attribute === null ? (x: Value) => x : attributeGetter(attribute);
    let total: Value = a.get(1, "start", 0n);
    for (const item of itemsOf(v, "sum", ctx)) total = addValues(total, get(item), ctx);
    return total;
  }],
  ["tojson", (v, a, ctx) => {
    const indentBy = a.get(0, "indent", null);
    const json = dumpJson(v, { sortKeys: true, ensureAscii: true, spaced: true, indent: indentBy === null ? undefined : Number(pyInt(indentBy) ?? 0n) }, (size) => ctx.checkSize(size, "tojson result"));
    return json.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/'/g, "\\u0027");
  }],
  ["truncate", (v, a) => truncate(v, a)],
  ["unique", (v, a, ctx) => {
    const caseSensitive = truthy(a.get(0, "case_sensitive", false));
    const attribute = a.get(1, "attribute");
    const get = attribute === undefined || attribute === null ? (x: Value) => x : attributeGetter(attribute);
    const key = sortKey(caseSensitive);
    const seen: Value[] = [];
    const out: Value[] = [];
    for (const item of itemsOf(v, "unique", ctx)) {
      const k = key(get(item));
      ctx.step(Math.ceil(seen.length / 16));
      if (!seen.some((s) => equals(s, k))) {
        seen.push(k);
        out.push(item);
      }
    }
    return out;
  }],
  ["wordcount", (v) => BigInt((str(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length)],
  ["urlencode", (v) => {
    if (v instanceof Dict) return v.pairs().map(([k, x]) => `${encodeURIComponent(str(k))}=${encodeURIComponent(str(x))}`).join("&");
    return encodeURIComponent(str(v)).replace(/%2F/g, "/");
  }],
  // Home Assistant's filters.
  ["iif", (v, a) => {
    const ifNone = omitted(a, 2, "if_none");
    if (v === null && ifNone !== undefined) return ifNone;
    return truthy(v) ? a.get(0, "if_true", true) : a.get(1, "if_false", false);
  }],
  ["is_defined", (v) => {
    if (v === undefined) throw new TemplateRenderError("is_defined: the value is undefined");
    return v;
  }],
  ["is_number", (v) => isNumberLike(v)],
  ["to_json", (v, a, ctx) => toJson(v, a, ctx)],
  // nunjucks' `dump` (JSON.stringify), the default payload of custom intents (`{{ slots | dump }}`) since before this engine.
  ["dump", (v, a, ctx) => {
    const spaces = a.get(0, "spaces", null);
    return dumpJson(v, { indent: spaces === null ? undefined : Number(pyInt(spaces) ?? 0n) }, (size) => ctx.checkSize(size, "dump result"));
  }],
  ["from_json", (v, a) => {
    try {
      return parseJson(str(v));
    } catch (err) {
      const fallback = omitted(a, 0, "default");
      if (fallback !== undefined) return fallback;
      throw new TemplateRenderError(`from_json: ${(err as Error).message}`);
    }
  }],
  ["regex_match", (v, a, ctx) => {
    const r = regexArgs(v, a);
    return regexMatch(r.text, r.pattern, r.ignoreCase, ctx);
  }],
  ["regex_search", (v, a, ctx) => {
    const r = regexArgs(v, a);
    return regexSearch(r.text, r.pattern, r.ignoreCase, ctx);
  }],
  ["regex_findall", (v, a, ctx) => {
    const r = regexArgs(v, a);
    return regexFindall(r.text, r.pattern, r.ignoreCase, ctx);
  }],
  ["regex_findall_index", (v, a, ctx) => {
    const pattern = a.get(0, "find", "");
    if (typeof pattern !== "string") throw new TemplateRenderError("regex_findall_index: the pattern must be a string");
    const all = regexFindall(typeof v === "string" ? v : str(v), pattern, truthy(a.get(2, "ignorecase", false)), ctx);
    let i = a.int(1, "index", 0);
    if (i < 0) i += all.length;
    if (i < 0 || i >= all.length) throw new TemplateRenderError("regex_findall_index: list index out of range");
    return all[i];
  }],
  ["regex_replace", (v, a, ctx) => {
    const pattern = a.get(0, "find", "");
    const replacement = a.get(1, "replace", "");
    if (typeof pattern !== "string" || typeof replacement !== "string") throw new TemplateRenderError("regex_replace: the pattern and replacement must be strings");
    return regexReplace(typeof v === "string" ? v : str(v), pattern, replacement, truthy(a.get(2, "ignorecase", false)), ctx);
  }],
  ["timestamp_local", (v, a, ctx) => formatTimestamp(v, false, undefined, omitted(a, 0, "default"), "timestamp_local", ctx)],
  ["timestamp_utc", (v, a, ctx) => formatTimestamp(v, true, undefined, omitted(a, 0, "default"), "timestamp_utc", ctx)],
  ["timestamp_custom", (v, a, ctx) => {
    const format = a.string(0, "format_string", "%Y-%m-%d %H:%M:%S");
    const local = truthy(a.get(1, "local", true));
    return formatTimestamp(v, !local, format, omitted(a, 2, "default"), "timestamp_custom", ctx);
  }],
  ["as_timestamp", (v, a) => asTimestamp(v, omitted(a, 0, "default"))],
  ["as_datetime", (v, a) => toDateTime(v) ?? noDefault("as_datetime", v, omitted(a, 0, "default"))],
  ["as_local", (v) => {
    if (!(v instanceof DateTime)) throw new TemplateRenderError(`as_local: expected a datetime, got ${typeName(v)}`);
    return new DateTime(v.epochMs, false);
  }],
  ["multiply", (v, a) => {
    const x = pyFloat(v);
    const by = pyFloat(a.get(0, "amount"));
    if (x === undefined || by === undefined) return noDefault("multiply", v, omitted(a, 1, "default"));
    return x * by;
  }],
  ["add", (v, a) => {
    const x = pyFloat(v);
    const by = pyFloat(a.get(0, "amount"));
    if (x === undefined || by === undefined) return noDefault("add", v, omitted(a, 1, "default"));
    return x + by;
  }],
  ["log", mathFilter("log", (x, a) => {
    const base = pyFloat(a.get(0, "base", Math.E));
    if (base === undefined) throw new TemplateRenderError("log: the base must be a number");
    if (x <= 0 || base <= 0 || base === 1) throw new TemplateRenderError("math domain error");
    return Math.log(x) / Math.log(base);
  }, 1)],
  ["sin", mathFilter("sin", Math.sin)],
  ["cos", mathFilter("cos", Math.cos)],
  ["tan", mathFilter("tan", Math.tan)],
  ["asin", mathFilter("asin", Math.asin)],
  ["acos", mathFilter("acos", Math.acos)],
  ["atan", mathFilter("atan", Math.atan)],
  ["sqrt", mathFilter("sqrt", (x) => {
    if (x < 0) throw new TemplateRenderError("math domain error");
    return Math.sqrt(x);
  })],
  ["bitwise_and", bitwise("bitwise_and", (x, y) => x & y)],
  ["bitwise_or", bitwise("bitwise_or", (x, y) => x | y)],
  ["bitwise_xor", bitwise("bitwise_xor", (x, y) => x ^ y)],
  ["ord", (v) => {
    const s = str(v);
    if ([...s].length !== 1) throw new TemplateRenderError(`ord() expected a character, but string of length ${[...s].length} found`);
    return BigInt(s.codePointAt(0)!);
  }],
  ["base64_encode", (v) => Buffer.from(str(v), "utf8").toString("base64")],
  ["base64_decode", (v) => {
    const s = str(v);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new TemplateRenderError("base64_decode: invalid base64 text");
    return Buffer.from(s, "base64").toString("utf8");
  }],
  ["slugify", (v, a) => slugify(str(v), a.string(0, "separator", "_"))],
  ["ordinal", (v) => {
    const n = pyInt(v);
    if (n === undefined) throw new TemplateRenderError(`ordinal: expected an integer, got ${repr(v)}`);
    return ordinal(n);
  }],
  ["contains", (v, a, ctx) => contains(v, a.get(0, "value"), ctx)],
  ["flatten", (v, a, ctx) => {
    const levels = a.get(0, "levels", null);
    const flat = (items: readonly Value[], depth: number): Value[] => {
      ctx.step(Math.ceil(items.length / 16));
      return items.flatMap((x) => (Array.isArray(x) && (levels === null || depth < Number(levels)) ? flat(x, depth + 1) : [x]));
    };
    const out = flat(itemsOf(v, "flatten", ctx), 0);
    ctx.checkSize(out.length, "flattened list");
    return out;
  }],
  ["average", (v, a, ctx) => {
    const numbers = itemsOf(v, "average", ctx).map(pyFloat);
    if (!numbers.length || numbers.some((x) => x === undefined)) return noDefault("average", v, omitted(a, 0, "default"));
    return (numbers as number[]).reduce((s, x) => s + x, 0) / numbers.length;
  }],
  ["md5", hash("md5")],
  ["sha1", hash("sha1")],
  ["sha256", hash("sha256")],
  ["sha512", hash("sha512")],
  ["split", (v, a) => split(str(v), a.get(0, "separator", null), a.int(1, "maxsplit", -1))],
]);
FILTERS.set("d", FILTERS.get("default")!);
FILTERS.set("e", FILTERS.get("escape")!);

function stripWith(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s[start]!)) start++;
  while (end > start && chars.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** `a + b` for `sum`, with Python's rules. */
function addValues(a: Value, b: Value, ctx: CallContext): Value {
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === "number" || typeof b === "number") return toFloat(a) + toFloat(b);
    return BigInt(a) + BigInt(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    ctx.checkSize(a.length + b.length, "summed list");
    return isTuple(a) ? tuple([...a, ...b]) : [...a, ...b];
  }
  throw new TemplateRenderError(`unsupported operand type(s) for +: '${typeName(a)}' and '${typeName(b)}'`);
}


/** The filters by name, each taking the input, positional and keyword arguments. */
export const BUILTIN_FILTERS: ReadonlyMap<string, FilterFn> = new Map(
  [...FILTERS].map(([name, f]) => [name, (input: Value, args: Value[], kwargs: Kwargs, ctx: CallContext) => f(input, argsOf(name, args, kwargs), ctx)] as const),
);
