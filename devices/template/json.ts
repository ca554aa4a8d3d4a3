/**
 * JSON in and out of the template value model, as Python's `json` module
 * reads and writes it: `21` is an int and `21.0` a float (`{{ value_json.t }}`
 * prints `21.0` as HA does), objects become Dicts (a key `__proto__` is just
 * a key), nesting is bounded. `to_json` is HA's (compact, keys in order);
 * `tojson` is Jinja's (`", "`/`": "` separators, sorted keys, ASCII only, and
 * `< > & '` escaped for HTML).
 */
import { TemplateRenderError } from "./errors.ts";
import { MAX_INT_DIGITS } from "./numbers.ts";
import { Dict, floatRepr, isTuple, type Value } from "./values.ts";

/** Deepest nesting a payload may have (deeper payloads are not JSON to a template). */
export const MAX_JSON_DEPTH = 64;

/** Parse JSON text into template values. @throws SyntaxError for text that is not JSON (or nested too deeply). */
export function parseJson(text: string): Value {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos}`);
  };
  const space = () => {
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r")) pos++;
  };
  const value = (depth: number): Value => {
    if (depth > MAX_JSON_DEPTH) fail(`JSON nested more than ${MAX_JSON_DEPTH} levels`);
    space();
    const ch = text[pos];
    if (ch === "{") {
      pos++;
      const dict = new Dict();
      space();
      if (text[pos] === "}") {
        pos++;
        return dict;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail("expected a string key");
        const key = string();
        space();
        if (text[pos++] !== ":") fail("expected ':'");
        dict.set(key, value(depth + 1));
        space();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "}") { pos++; return dict; }
        fail("expected ',' or '}'");
      }
    }
    if (ch === "[") {
      pos++;
      const items: Value[] = [];
      space();
      if (text[pos] === "]") {
        pos++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[pos] === ",") { pos++; continue; }
        if (text[pos] === "]") { pos++; return items; }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = pos;
    const num = m.exec(text);
    if (!num) return fail("unexpected character");
    pos += num[0].length;
    if (num[1] !== undefined || num[2] !== undefined) return Number(num[0]);
    // Python refuses to read ints longer than this (and parsing one costs time quadratic in its length).
    if (num[0].length > MAX_INT_DIGITS) fail(`integer of more than ${MAX_INT_DIGITS} digits`);
    return BigInt(num[0]);
  };
  const string = (): string => {
    const end = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    end.lastIndex = pos;
    const m = end.exec(text);
    if (!m) return fail("bad string");
    pos += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const result = value(0);
  space();
  if (pos !== text.length) fail("extra data");
  return result;
}

/** How dumpJson writes (Python json.dumps options). */
export interface DumpOptions {
  sortKeys?: boolean;
  ensureAscii?: boolean;
  /** Indent width; undefined for one line. */
  indent?: number;
  /** Python's default `", "` / `": "` separators instead of the compact `","` / `":"`. */
  spaced?: boolean;
}

/** Serialise template values as JSON. @throws TemplateRenderError for values JSON cannot hold (functions, undefined). */
export function dumpJson(value: Value, options: DumpOptions, check: (size: number) => void): string {
  let size = 0;
  const emit = (s: string) => {
    size += s.length;
    check(size);
    return s;
  };
  const item = options.spaced || options.indent !== undefined ? ", " : ",";
  const colon = options.spaced || options.indent !== undefined ? ": " : ":";
  const write = (v: Value, level: number): string => {
    if (v === null || v === undefined) {
      if (v === undefined) throw new TemplateRenderError("Object of type Undefined is not JSON serializable");
      return emit("null");
    }
    switch (typeof v) {
      case "boolean": return emit(v ? "true" : "false");
      case "bigint": return emit(v.toString());
      case "number": return emit(Number.isNaN(v) ? "NaN" : !Number.isFinite(v) ? (v > 0 ? "Infinity" : "-Infinity") : floatRepr(v));
      case "string": return emit(quote(v, options.ensureAscii ?? false));
    }
    const nl = options.indent === undefined ? "" : `\n${" ".repeat(options.indent * (level + 1))}`;
    const close = options.indent === undefined ? "" : `\n${" ".repeat(options.indent * level)}`;
    const sep = options.indent === undefined ? item : item.trimEnd();
    if (Array.isArray(v)) {
      if (!v.length) return emit("[]");
      return `[${v.map((x) => nl + write(x, level + 1)).join(emit(sep))}${close}]`;
    }
    if (v instanceof Dict) {
      let pairs = v.pairs().map(([k, x]) => [jsonKey(k), x] as const);
      if (!pairs.length) return emit("{}");
      if (options.sortKeys) pairs = pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${pairs.map(([k, x]) => nl + emit(quote(k, options.ensureAscii ?? false)) + emit(colon) + write(x, level + 1)).join(emit(sep))}${close}}`;
    }
    throw new TemplateRenderError(`Object of type ${isTuple(v) ? "tuple" : "object"} is not JSON serializable`);
  };
  return write(value, 0);
}

function jsonKey(key: Value): string {
  if (typeof key === "string") return key;
  if (key === null) return "null";
  if (typeof key === "boolean") return key ? "true" : "false";
  if (typeof key === "bigint") return key.toString();
  if (typeof key === "number") return floatRepr(key);
  throw new TemplateRenderError("keys must be str, int, float, bool or None");
}

function quote(s: string, ensureAscii: boolean): string {
  const json = JSON.stringify(s);
  return ensureAscii ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : json;
}
