/**
 * The global names a template sees: Jinja's (`range`, `dict`, `namespace`,
 * `cycler`, `joiner`) and Home Assistant's functions that need no HA state
 * (`iif`, `now`, `utcnow`, `as_timestamp`, `as_datetime`, `as_local`,
 * `float`, `int`, `bool`, `is_number`, `min`, `max`, `average`, `zip`, math
 * and bitwise functions, `pi`, `e`, `tau`, `inf`). Functions that read HA's
 * state machine (`states`, `is_state`, `state_attr`, `area_*`, `device_*`)
 * do not exist outside HA and are undefined here.
 */
import { Args, argsOf } from "./args.ts";
import { BUILTIN_FILTERS, pyBool } from "./filters.ts";
import { TemplateRenderError } from "./errors.ts";
import { pyFloat, pyInt } from "./numbers.ts";
import { isNumberLike } from "./tests.ts";
import { asTimestamp, noDefault, toDateTime } from "./time.ts";
import { Callable, compare, DateTime, Dict, iterate, Obj, str, truthy, tuple, type CallContext, type Kwargs, type Value } from "./values.ts";

/** Jinja's sandbox limit on range() (jinja2.sandbox.MAX_RANGE), which HA's template environment inherits. */
export const MAX_RANGE = 100_000;

function fn(name: string, body: (a: Args, ctx: CallContext) => Value, attributes?: ReadonlyMap<string, Value>): Callable {
  return new Callable(name, (args: Value[], kwargs: Kwargs, ctx: CallContext) => body(argsOf(name, args, kwargs), ctx), attributes);
}

/** A global that is one of the filters called as a function (HA registers several both ways). */
function filterAsGlobal(name: string): Callable {
  const filter = BUILTIN_FILTERS.get(name)!;
  return new Callable(name, (args, kwargs, ctx) => {
    if (!args.length) throw new TemplateRenderError(`${name}() needs an argument`);
    return filter(args[0], args.slice(1), kwargs, ctx);
  });
}

/** HA's min/max globals take either one iterable or several values. */
function extreme(name: string, pick: (c: number) => boolean): Callable {
  return fn(name, (a, ctx) => {
    const items = a.positional.length === 1 ? iterate(a.positional[0], name) : a.positional;
    ctx.step(Math.ceil(items.length / 16));
    if (!items.length) throw new TemplateRenderError(`${name}() arg is an empty sequence`);
    let best = items[0];
    for (const item of items.slice(1)) if (pick(compare(item, best, "<"))) best = item;
    return best;
  });
}

function range(a: Args, ctx: CallContext): Value {
  const ints = a.positional.map((v) => {
    if (typeof v !== "bigint" && typeof v !== "boolean") throw new TemplateRenderError(`range: '${typeof v === "number" ? "float" : str(v)}' object cannot be interpreted as an integer`);
    return Number(v);
  });
  let [start, stop, step] = ints.length === 1 ? [0, ints[0]!, 1] : [ints[0] ?? 0, ints[1] ?? 0, ints[2] ?? 1];
  if (step === 0) throw new TemplateRenderError("range() arg 3 must not be zero");
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > MAX_RANGE) throw new TemplateRenderError(`range too big: ${count} items (the sandbox allows ${MAX_RANGE})`);
  // Building the list is the cost: a full-size range takes a third of a render's steps.
  ctx.step(Math.ceil(count / 16));
  const out = new Array<Value>(count);
  for (let i = 0; i < count; i++) out[i] = smallInt(start + i * step);
  return out;
}

/** BigInts 0..MAX_RANGE made once and shared (ints are immutable): making 100,000 of them per range() took milliseconds. */
const SMALL_INTS: bigint[] = [];
function smallInt(n: number): bigint {
  if (n < 0 || n > MAX_RANGE) return BigInt(n);
  while (SMALL_INTS.length <= n) SMALL_INTS.push(BigInt(SMALL_INTS.length));
  return SMALL_INTS[n]!;
}

function dictFromPairs(pairs: Value, what: string, ctx: CallContext): Dict {
  const dict = new Dict();
  const items = iterate(pairs, what);
  ctx.step(Math.ceil(items.length / 16));
  for (const pair of items) {
    const kv = iterate(pair, what);
    if (kv.length !== 2) throw new TemplateRenderError(`${what}: dictionary update sequence element has length ${kv.length}; 2 is required`);
    dict.set(kv[0], kv[1]);
  }
  return dict;
}

function mathGlobal(name: string, f: (x: number) => number): Callable {
  return fn(name, (a) => {
    const x = pyFloat(a.get(0, "value"));
    const fallback = a.given(1, "default") ? a.get(1, "default") ?? null : undefined;
    if (x === undefined) return noDefault(name, a.get(0, "value"), fallback);
    const r = f(x);
    if (Number.isNaN(r) && !Number.isNaN(x)) {
      if (fallback !== undefined) return fallback;
      throw new TemplateRenderError("math domain error");
    }
    return r;
  });
}

const dictAttributes = new Map<string, Value>([
  // Python's dict.fromkeys(keys, value=None), and the spelling Zigbee2MQTT's event templates call with (key, value) pairs.
  ["fromkeys", fn("dict.fromkeys", (a, ctx) => {
    const keys = iterate(a.get(0, "iterable"), "fromkeys");
    ctx.step(Math.ceil(keys.length / 16));
    return Dict.fromPairs(keys.map((k) => [k, a.get(1, "value", null)] as const));
  })],
  ["from_keys", fn("dict.from_keys", (a, ctx) => dictFromPairs(a.get(0, "iterable"), "dict.from_keys", ctx))],
]);

/** The global names by value. All are stateless; what keeps state (`namespace()`, `cycler()`, `joiner()`) is made fresh by each call. */
export const GLOBALS: ReadonlyMap<string, Value> = new Map<string, Value>([
  ["range", fn("range", range)],
  ["dict", fn("dict", (a, ctx) => {
    const dict = a.positional.length ? (a.positional[0] instanceof Dict ? Dict.fromPairs(a.positional[0].pairs()) : dictFromPairs(a.positional[0], "dict", ctx)) : new Dict();
    for (const [k, v] of a.kwargs) dict.set(k, v);
    return dict;
  }, dictAttributes)],
  ["namespace", fn("namespace", (a) => {
    const fields = new Map<string, Value>();
    if (a.positional[0] instanceof Dict) for (const [k, v] of a.positional[0].pairs()) fields.set(str(k), v);
    for (const [k, v] of a.kwargs) fields.set(k, v);
    return new Obj("namespace", fields);
  })],
  ["cycler", fn("cycler", (a) => {
    const items = [...a.positional];
    if (!items.length) throw new TemplateRenderError("cycler needs at least one item");
    let pos = 0;
    const fields = new Map<string, Value>();
    fields.set("next", new Callable("cycler.next", () => {
      const item = items[pos];
      pos = (pos + 1) % items.length;
      fields.set("current", items[pos]);
      return item;
    }));
    fields.set("reset", new Callable("cycler.reset", () => {
      pos = 0;
      fields.set("current", items[0]);
      return null;
    }));
    fields.set("current", items[0]);
    return new Obj("cycler", fields);
  })],
  ["joiner", fn("joiner", (a) => {
    const sep = str(a.get(0, "sep", ", "));
    let used = false;
    return new Callable("joiner", () => {
      if (!used) {
        used = true;
        return "";
      }
      return sep;
    });
  })],
  ["zip", fn("zip", (a, ctx) => {
    const lists = a.positional.map((v) => iterate(v, "zip"));
    const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
    ctx.step(Math.ceil(n / 16));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
  })],
  ["iif", fn("iif", (a) => {
    const value = a.get(0, "value");
    const ifNone = a.given(3, "if_none") ? a.get(3, "if_none") ?? null : undefined;
    if (value === null && ifNone !== undefined) return ifNone;
    return truthy(value) ? a.get(1, "if_true", true) : a.get(2, "if_false", false);
  })],
  ["now", fn("now", () => new DateTime(Date.now(), false))],
  ["utcnow", fn("utcnow", () => new DateTime(Date.now(), true))],
  ["as_timestamp", fn("as_timestamp", (a) => asTimestamp(a.get(0, "value"), a.given(1, "default") ? a.get(1, "default") ?? null : undefined))],
  ["as_datetime", fn("as_datetime", (a) => toDateTime(a.get(0, "value")) ?? noDefault("as_datetime", a.get(0, "value"), a.given(1, "default") ? a.get(1, "default") ?? null : undefined))],
  ["as_local", filterAsGlobal("as_local")],
  ["float", fn("float", (a) => pyFloat(a.get(0, "value")) ?? noDefault("float", a.get(0, "value"), a.given(1, "default") ? a.get(1, "default") ?? null : undefined))],
  ["int", fn("int", (a) => pyInt(a.get(0, "value"), a.int(2, "base", 10)) ?? noDefault("int", a.get(0, "value"), a.given(1, "default") ? a.get(1, "default") ?? null : undefined))],
  ["bool", fn("bool", (a) => pyBool(a.get(0, "value"), a.given(1, "default") ? a.get(1, "default") ?? null : undefined))],
  ["is_number", fn("is_number", (a) => isNumberLike(a.get(0, "value")))],
  ["min", extreme("min", (c) => c < 0)],
  ["max", extreme("max", (c) => c > 0)],
  ["average", fn("average", (a, ctx) => {
    const items = a.positional.length === 1 ? a.positional[0] : [...a.positional];
    return BUILTIN_FILTERS.get("average")!(items, [], a.kwargs, ctx);
  })],
  ["log", fn("log", (a, ctx) => BUILTIN_FILTERS.get("log")!(a.get(0, "value"), [...a.positional.slice(1)], a.kwargs, ctx))],
  ["sin", mathGlobal("sin", Math.sin)],
  ["cos", mathGlobal("cos", Math.cos)],
  ["tan", mathGlobal("tan", Math.tan)],
  ["asin", mathGlobal("asin", Math.asin)],
  ["acos", mathGlobal("acos", Math.acos)],
  ["atan", mathGlobal("atan", Math.atan)],
  ["sqrt", mathGlobal("sqrt", (x) => (x < 0 ? NaN : Math.sqrt(x)))],
  ["atan2", fn("atan2", (a) => {
    const y = pyFloat(a.get(0, "y"));
    const x = pyFloat(a.get(1, "x"));
    if (x === undefined || y === undefined) return noDefault("atan2", a.get(0, "y"), a.given(2, "default") ? a.get(2, "default") ?? null : undefined);
    return Math.atan2(y, x);
  })],
  ["bitwise_and", filterAsGlobal("bitwise_and")],
  ["bitwise_or", filterAsGlobal("bitwise_or")],
  ["bitwise_xor", filterAsGlobal("bitwise_xor")],
  ["pi", Math.PI],
  ["e", Math.E],
  ["tau", 2 * Math.PI],
  ["inf", Infinity],
]);
