/**
 * The template engine's value model: the Python values a Jinja template sees
 * in Home Assistant, held in data structures the engine builds itself, so no
 * lookup ever reaches a host (JavaScript) object or prototype.
 *
 * | Python      | here                                           |
 * |-------------|------------------------------------------------|
 * | Undefined   | `undefined`                                    |
 * | None        | `null`                                         |
 * | bool        | `boolean`                                      |
 * | int         | `bigint` (arbitrary precision, as in Python)   |
 * | float       | `number`                                       |
 * | str         | `string`                                       |
 * | list, tuple | arrays (tuples are marked, see `tuple()`)      |
 * | dict        | `Dict` (a `Map` keyed by the Python hash key)  |
 * | namespace, loop | `Obj` (named fields in a `Map`)            |
 * | functions, filters, bound methods | `Callable`               |
 * | datetime    | `DateTime`                                     |
 */
import { TemplateBudgetError, TemplateRenderError } from "./errors.ts";

/**
 * Elements visited by the operations that walk nested values (`==`,
 * ordering, `repr`/printing, hashing tuples) in the current render. A list
 * may hold 65,536 references to another list of 65,536 items; comparing or
 * printing it would visit four billion. Renders are synchronous, so one
 * counter reset when a render starts is exact.
 */
let deepVisits = 0;
/** Most elements those operations may visit in one render (about 10–20 ms of work). */
export const MAX_DEEP_VISITS = 500_000;
/** Longest text `repr`/`str` of a container may produce, in characters. */
export const MAX_REPR_LENGTH = 256 * 1024;

/** Start a render's count of deep visits. */
export function resetDeepVisits(): void {
  deepVisits = 0;
}

function visit(count = 1): void {
  deepVisits += count;
  if (deepVisits > MAX_DEEP_VISITS) throw new TemplateBudgetError(`template compared or printed nested values of more than ${MAX_DEEP_VISITS} elements`);
}

/** A template value (see the table above). */
export type Value = undefined | null | boolean | bigint | number | string | readonly Value[] | Dict | Obj | Callable | DateTime;

/** Keyword arguments of a call, by name. */
export type Kwargs = ReadonlyMap<string, Value>;

/** What a callable may use of the render that calls it (the budget and the caller's environment). */
export interface CallContext {
  step(count?: number): void;
  checkSize(size: number, what: string): void;
  callValue(callee: Value, args: Value[], kwargs?: Kwargs): Value;
  applyFilter(name: string, input: Value, args: Value[]): Value;
  applyTest(name: string, input: Value, args: Value[]): boolean;
}

/** A function value: a global (`range`), a bound method (`values.keys`) or a macro. */
export class Callable {
  constructor(
    readonly name: string,
    readonly invoke: (args: Value[], kwargs: Kwargs, ctx: CallContext) => Value,
    /** Attributes of the function itself (`dict.from_keys`). */
    readonly attributes?: ReadonlyMap<string, Value>,
  ) {}
}

/** Named fields of an Obj: a Map, or computed on access (a loop's `loop.index`, built only when read). */
export interface Fields {
  has(name: string): boolean;
  get(name: string): Value;
  set(name: string, value: Value): void;
}

/** A Jinja namespace (`namespace(x=1)`, the one object `set ns.x = ...` may change) or a loop's `loop` variable. */
export class Obj {
  constructor(readonly kind: "namespace" | "loop" | "cycler", readonly fields: Fields) {}
}

/** A point in time (HA `datetime`): epoch milliseconds, shown in UTC or in the host's local time zone. */
export class DateTime {
  constructor(readonly epochMs: number, readonly utc: boolean) {}
}

/** A Python dict: insertion-ordered, keys compared as Python hashes them (`1 == 1.0 == True`). */
export class Dict {
  private readonly entries = new Map<string, [Value, Value]>();

  static fromPairs(pairs: Iterable<readonly [Value, Value]>): Dict {
    const dict = new Dict();
    for (const [k, v] of pairs) dict.set(k, v);
    return dict;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: Value): Value {
    const hashed = hashKey(key, false);
    return hashed === undefined ? undefined : this.entries.get(hashed)?.[1];
  }

  has(key: Value): boolean {
    const hashed = hashKey(key, false);
    return hashed !== undefined && this.entries.has(hashed);
  }

  set(key: Value, value: Value): void {
    const hashed = hashKey(key, true)!;
    const existing = this.entries.get(hashed);
    this.entries.set(hashed, [existing ? existing[0] : key, value]);
  }

  keys(): Value[] {
    return [...this.entries.values()].map(([k]) => k);
  }

  values(): Value[] {
    return [...this.entries.values()].map(([, v]) => v);
  }

  pairs(): [Value, Value][] {
    return [...this.entries.values()].map(([k, v]) => [k, v]);
  }
}

const tuples = new WeakSet<readonly Value[]>();

/** A Python tuple: an array marked as such (so it prints `(1, 2)` and differs from a list in `==`). */
export function tuple(items: Value[]): readonly Value[] {
  tuples.add(items);
  return items;
}

/** Whether `value` is a tuple made by `tuple()` (an array not so marked is a list). */
export function isTuple(value: Value): boolean {
  return Array.isArray(value) && tuples.has(value);
}

/** Whether `value` is a list or tuple. */
export const isList = (value: Value): value is readonly Value[] => Array.isArray(value);
/** Whether `value` is a Python number: int, float or bool. */
export const isNumeric = (value: Value): value is boolean | bigint | number => typeof value === "bigint" || typeof value === "number" || typeof value === "boolean";

/**
 * The key a Dict stores `key` under: equal Python values (`1`, `1.0`, `True`)
 * share one. Lists, dicts and other unhashable values are a TypeError when
 * storing, and simply absent when looking up (`unhashableOk`).
 */
function hashKey(key: Value, store: boolean): string | undefined {
  switch (typeof key) {
    case "string":
      return `s${key}`;
    case "boolean":
      return key ? "n1" : "n0";
    case "bigint":
      return `n${key}`;
    case "number":
      return Number.isInteger(key) ? `n${BigInt(key)}` : `f${key}`;
  }
  if (key === null) return "z";
  if (Array.isArray(key) && isTuple(key)) {
    visit(key.length);
    const parts = key.map((k) => hashKey(k, store));
    return parts.includes(undefined) ? undefined : `t${JSON.stringify(parts)}`;
  }
  if (key instanceof DateTime) return `d${key.epochMs}`;
  if (store) throw new TemplateRenderError(`unhashable type: '${typeName(key)}'`);
  return undefined;
}

/** Python's type name, for error messages. */
export function typeName(value: Value): string {
  if (value === undefined) return "Undefined";
  if (value === null) return "NoneType";
  switch (typeof value) {
    case "boolean": return "bool";
    case "bigint": return "int";
    case "number": return "float";
    case "string": return "str";
  }
  if (Array.isArray(value)) return isTuple(value) ? "tuple" : "list";
  if (value instanceof Dict) return "dict";
  if (value instanceof Obj) return value.kind === "loop" ? "LoopContext" : value.kind === "cycler" ? "Cycler" : "Namespace";
  if (value instanceof DateTime) return "datetime";
  return "function";
}

/** Python's `bool(value)`; Undefined is false, as in Jinja. */
export function truthy(value: Value): boolean {
  if (value === undefined || value === null) return false;
  switch (typeof value) {
    case "boolean": return value;
    case "bigint": return value !== 0n;
    case "number": return value !== 0;
    case "string": return value.length > 0;
  }
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Dict) return value.size > 0;
  return true;
}

/** A numeric value as a float (Python `float(x)` for int, bool and float). */
export function toFloat(value: boolean | bigint | number): number {
  return typeof value === "number" ? value : Number(value);
}

/** Python `==`. */
export function equals(a: Value, b: Value): boolean {
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === "number" || typeof b === "number") return toFloat(a) === toFloat(b);
    return BigInt(a) === BigInt(b);
  }
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    if (a === b) return true;
    visit(a.length);
    return a.every((x, i) => equals(x, b[i]));
  }
  if (a instanceof Dict && b instanceof Dict) {
    if (a.size !== b.size) return false;
    if (a === b) return true;
    visit(a.size);
    return a.pairs().every(([k, v]) => b.has(k) && equals(v, b.get(k)));
  }
  if (a instanceof DateTime && b instanceof DateTime) return a.epochMs === b.epochMs;
  return a === b;
}

/** Python's ordering (`<`): numbers, strings, lists/tuples element-wise; anything else is a TypeError. */
export function compare(a: Value, b: Value, op: string): number {
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === "number" || typeof b === "number") {
      const x = toFloat(a);
      const y = toFloat(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    visit(Math.min(a.length, b.length));
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equals(a[i], b[i])) return compare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  if (a instanceof DateTime && b instanceof DateTime) return a.epochMs - b.epochMs;
  throw new TemplateRenderError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** A sequence's items for iteration: lists, tuples, strings (characters), dicts (keys). */
export function iterate(value: Value, what = "value"): readonly Value[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (value instanceof Dict) return value.keys();
  if (value === undefined) return [];
  throw new TemplateRenderError(`${what}: '${typeName(value)}' object is not iterable`);
}

/** Python's `repr()` of a float: shortest round-trip digits, exponent outside 1e-4 .. 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e") as [string, string];
  const exponent = Number(exp);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exponent >= -5 && exponent < 16) {
    if (exponent < 0) text = `0.${"0".repeat(-exponent - 1)}${digits}`;
    else if (digits.length <= exponent + 1) text = `${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
    else text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    if (exponent === -5) text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e-05`;
  } else {
    const e = Math.abs(exponent);
    text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${exponent < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  return negative ? `-${text}` : text;
}

/** Python's `repr()` of a string: single quotes unless the text holds one and no double quote. */
export function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch < " " || ch === "\x7f") out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()`. @throws TemplateBudgetError for a container whose text would pass MAX_REPR_LENGTH. */
export function repr(value: Value): string {
  if (!Array.isArray(value) && !(value instanceof Dict)) return typeof value === "string" ? stringRepr(value) : value instanceof DateTime ? `datetime.datetime(${str(value)})` : str(value);
  const parts: string[] = [];
  let size = 0;
  const push = (text: string) => {
    size += text.length;
    if (size > MAX_REPR_LENGTH) throw new TemplateBudgetError(`printing a value of more than ${MAX_REPR_LENGTH} characters`);
    parts.push(text);
  };
  const write = (v: Value, depth: number): void => {
    if (depth > 100) throw new TemplateBudgetError("printing a value nested more than 100 levels deep");
    if (Array.isArray(v)) {
      visit(v.length);
      const tupleValue = isTuple(v);
      push(tupleValue ? "(" : "[");
      v.forEach((x, i) => {
        if (i) push(", ");
        write(x, depth + 1);
      });
      push(tupleValue ? (v.length === 1 ? ",)" : ")") : "]");
    } else if (v instanceof Dict) {
      visit(v.size);
      push("{");
      v.pairs().forEach(([k, x], i) => {
        if (i) push(", ");
        write(k, depth + 1);
        push(": ");
        write(x, depth + 1);
      });
      push("}");
    } else {
      push(repr(v));
    }
  };
  write(value, 0);
  return parts.join("");
}

/** Python's `str()` as Jinja prints a value (`{{ x }}`); Undefined prints nothing. */
export function str(value: Value): string {
  if (value === undefined) return "";
  if (value === null) return "None";
  switch (typeof value) {
    case "boolean": return value ? "True" : "False";
    case "bigint": return value.toString();
    case "number": return floatRepr(value);
    case "string": return value;
  }
  if (Array.isArray(value) || value instanceof Dict) return repr(value);
  if (value instanceof DateTime) return isoFormat(value, " ");
  if (value instanceof Obj) return `<${typeName(value)}>`;
  return value instanceof Callable ? `<function ${value.name}>` : repr(value);
}

/** `datetime.isoformat(sep)` with microseconds when non-zero and the UTC offset. */
export function isoFormat(dt: DateTime, sep = "T"): string {
  const p = dateParts(dt);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const micro = p.millisecond ? `.${pad(p.millisecond * 1000, 6)}` : "";
  const off = Math.abs(p.offsetMinutes);
  const offset = `${p.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}${sep}${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${micro}${offset}`;
}

/** Calendar fields of a DateTime in its zone; `weekday` is Python's (Monday 0). */
export function dateParts(dt: DateTime) {
  const d = new Date(dt.epochMs);
  const offsetMinutes = dt.utc ? 0 : -d.getTimezoneOffset();
  const shifted = new Date(dt.epochMs + offsetMinutes * 60_000);
  return {
    year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(), minute: shifted.getUTCMinutes(), second: shifted.getUTCSeconds(),
    millisecond: shifted.getUTCMilliseconds(), weekday: (shifted.getUTCDay() + 6) % 7, offsetMinutes,
    dayOfYear: Math.floor((Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate()) - Date.UTC(shifted.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  };
}

/** A value already in the template model (a payload parsed by json.ts), passed through fromHost as it is. */
export class Prepared {
  constructor(readonly value: Value) {}
}

/**
 * A host value (what hearth's callers pass: JSON-like data) as a template
 * value. Whole JS numbers become ints, others floats; plain objects become
 * Dicts of their own enumerable keys. Functions and other host objects are
 * refused: nothing of the host runtime may enter a render.
 * @throws TypeError for a value that is not JSON-like.
 */
export function fromHost(value: unknown, depth = 0): Value {
  if (depth > 64) throw new TypeError("template variable nested too deeply");
  if (value === undefined || value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => fromHost(v, depth + 1));
  if (value instanceof Prepared) return value.value;
  if (value instanceof Dict || value instanceof DateTime) return value;
  if (typeof value === "object" && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    return Dict.fromPairs(Object.entries(value).map(([k, v]) => [k, fromHost(v, depth + 1)] as const));
  }
  throw new TypeError(`template variables must be JSON-like, got ${typeof value}`);
}
