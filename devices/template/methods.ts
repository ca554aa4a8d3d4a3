/**
 * The Python methods templates call on values (`values.keys()`,
 * `value.split(',')`, `name.startswith('x')`), each implemented here in a
 * table per type. As in HA's ImmutableSandboxedEnvironment, methods that
 * change a list or dict (`append`, `update`, `pop`) are not offered.
 */
import { Args } from "./args.ts";
import { TemplateRenderError } from "./errors.ts";
import { strftime } from "./time.ts";
import { Callable, DateTime, Dict, dateParts, equals, isoFormat, iterate, str, tuple, typeName, type CallContext, type Kwargs, type Value } from "./values.ts";

type Method<T> = (self: T, a: Args, ctx: CallContext) => Value;

const WHITESPACE = " \t\n\r\f\v";

function stripChars(s: string, chars: Value, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WHITESPACE : String(chars);
  let start = 0;
  let end = s.length;
  if (left) while (start < end && set.includes(s[start]!)) start++;
  if (right) while (end > start && set.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Python `str.split(sep=None, maxsplit=-1)`. */
export function split(s: string, sep: Value, maxsplit: number): string[] {
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    const re = /\S+/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) {
      if (maxsplit >= 0 && parts.length === maxsplit) {
        parts.push(s.slice(m.index).replace(/\s+$/, ""));
        break;
      }
      parts.push(m[0]);
    }
    return parts;
  }
  if (typeof sep !== "string") throw new TemplateRenderError(`must be str or None, not ${typeName(sep)}`);
  if (sep === "") throw new TemplateRenderError("empty separator");
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

function affix(s: string, arg: Value, test: (s: string, p: string) => boolean): boolean {
  const options = Array.isArray(arg) ? arg : [arg];
  return options.some((p) => {
    if (typeof p !== "string") throw new TemplateRenderError(`startswith/endswith first arg must be str or a tuple of str, not ${typeName(p)}`);
    return test(s, p);
  });
}

/** Python `str.title()`: a letter after a non-letter (digit, space, apostrophe) starts a word: "zigbee2mqtt" → "Zigbee2Mqtt". */
export function titleCase(s: string): string {
  let out = "";
  let previousIsLetter = false;
  for (const ch of s) {
    const isLetter = /\p{L}/u.test(ch);
    out += isLetter ? (previousIsLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousIsLetter = isLetter;
  }
  return out;
}

/** Python `str.capitalize()`: first character upper case, the rest lower. */
export function capitalize(s: string): string {
  return s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase();
}

/** Python `str.replace(old, new, count)`, sized against the budget before it is built. */
export function replaceString(s: string, old: string, replacement: string, count: number, ctx: CallContext): string {
  const parts = s.split(old);
  if (old === "") {
    // Python inserts the replacement around every character.
    const chars = [...s];
    ctx.checkSize(s.length + replacement.length * (chars.length + 1), "replaced string");
    const limit = count < 0 ? chars.length + 1 : count;
    let out = "";
    for (let i = 0; i <= chars.length; i++) out += (i < limit ? replacement : "") + (chars[i] ?? "");
    return out;
  }
  const n = count < 0 ? parts.length - 1 : Math.min(count, parts.length - 1);
  ctx.checkSize(s.length + (replacement.length - old.length) * n, "replaced string");
  return parts.slice(0, n + 1).join(replacement) + (n + 1 < parts.length ? old + parts.slice(n + 1).join(old) : "");
}

function padded(s: string, width: number, fill: string, ctx: CallContext, where: "center" | "left" | "right"): string {
  if (fill.length !== 1) throw new TemplateRenderError("The fill character must be exactly one character long");
  ctx.checkSize(width, `${where}-padded string`);
  const total = Math.max(0, width - s.length);
  if (where === "left") return s + fill.repeat(total);
  if (where === "right") return fill.repeat(total) + s;
  // CPython's centring: the extra space goes left when the padding and width are both odd.
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

/** `str.center`, shared with the `center` filter (width bounded by the size budget). */
export function center(s: string, width: number, ctx: CallContext, fill = " "): string {
  return padded(s, width, fill, ctx, "center");
}

function find(s: string, sub: string, fromEnd: boolean): number {
  const i = fromEnd ? s.lastIndexOf(sub) : s.indexOf(sub);
  return i < 0 ? -1 : [...s.slice(0, i)].length;
}

const STRING_METHODS = new Map<string, Method<string>>([
  ["lower", (s) => s.toLowerCase()],
  ["upper", (s) => s.toUpperCase()],
  ["title", (s) => titleCase(s)],
  ["capitalize", (s) => capitalize(s)],
  ["swapcase", (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("")],
  ["strip", (s, a) => stripChars(s, a.get(0, "chars"), true, true)],
  ["lstrip", (s, a) => stripChars(s, a.get(0, "chars"), true, false)],
  ["rstrip", (s, a) => stripChars(s, a.get(0, "chars"), false, true)],
  ["split", (s, a) => split(s, a.get(0, "sep"), a.int(1, "maxsplit", -1))],
  ["rsplit", (s, a) => {
    const max = a.int(1, "maxsplit", -1);
    if (max < 0) return split(s, a.get(0, "sep"), -1);
    const sep = a.get(0, "sep");
    if (typeof sep !== "string") return split(s, sep, max);
    const parts = s.split(sep);
    return parts.length <= max + 1 ? parts : [parts.slice(0, parts.length - max).join(sep), ...parts.slice(parts.length - max)];
  }],
  ["splitlines", (s) => s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/).filter((line, i, all) => i < all.length - 1 || line !== "")],
  ["replace", (s, a, ctx) => replaceString(s, a.string(0, "old"), a.string(1, "new"), a.int(2, "count", -1), ctx)],
  ["startswith", (s, a) => affix(s, a.get(0, "prefix"), (x, p) => x.startsWith(p))],
  ["endswith", (s, a) => affix(s, a.get(0, "suffix"), (x, p) => x.endsWith(p))],
  ["join", (s, a, ctx) => {
    const items = iterate(a.get(0, "iterable"), "join");
    ctx.step(Math.ceil(items.length / 16));
    const parts = items.map((x) => {
      if (typeof x !== "string") throw new TemplateRenderError(`sequence item: expected str instance, ${typeName(x)} found`);
      return x;
    });
    ctx.checkSize(parts.reduce((n, p) => n + p.length, 0) + s.length * Math.max(0, parts.length - 1), "joined string");
    return parts.join(s);
  }],
  ["find", (s, a) => BigInt(find(s, a.string(0, "sub"), false))],
  ["rfind", (s, a) => BigInt(find(s, a.string(0, "sub"), true))],
  ["index", (s, a) => {
    const i = find(s, a.string(0, "sub"), false);
    if (i < 0) throw new TemplateRenderError("substring not found");
    return BigInt(i);
  }],
  ["count", (s, a) => {
    const sub = a.string(0, "sub");
    return BigInt(sub === "" ? [...s].length + 1 : s.split(sub).length - 1);
  }],
  ["isdigit", (s) => /^\p{Nd}+$/u.test(s)],
  ["isdecimal", (s) => /^\p{Nd}+$/u.test(s)],
  ["isnumeric", (s) => /^\p{N}+$/u.test(s)],
  ["isalpha", (s) => /^\p{L}+$/u.test(s)],
  ["isalnum", (s) => /^[\p{L}\p{N}]+$/u.test(s)],
  ["isspace", (s) => /^\s+$/.test(s)],
  ["islower", (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase()],
  ["isupper", (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase()],
  ["zfill", (s, a, ctx) => {
    const width = a.int(0, "width");
    ctx.checkSize(width, "zfill");
    const sign = s.startsWith("-") || s.startsWith("+") ? s[0]! : "";
    return sign + s.slice(sign.length).padStart(width - sign.length, "0");
  }],
  ["center", (s, a, ctx) => padded(s, a.int(0, "width"), a.string(1, "fillchar", " "), ctx, "center")],
  ["ljust", (s, a, ctx) => padded(s, a.int(0, "width"), a.string(1, "fillchar", " "), ctx, "left")],
  ["rjust", (s, a, ctx) => padded(s, a.int(0, "width"), a.string(1, "fillchar", " "), ctx, "right")],
  ["removeprefix", (s, a) => { const p = a.string(0, "prefix"); return s.startsWith(p) ? s.slice(p.length) : s; }],
  ["removesuffix", (s, a) => { const p = a.string(0, "suffix"); return p && s.endsWith(p) ? s.slice(0, -p.length) : s; }],
  ["partition", (s, a) => {
    const sep = a.string(0, "sep");
    const i = s.indexOf(sep);
    return tuple(i < 0 ? [s, "", ""] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  }],
]);

const LIST_METHODS = new Map<string, Method<readonly Value[]>>([
  ["index", (list, a, ctx) => {
    ctx.step(Math.ceil(list.length / 16));
    const i = list.findIndex((x) => equals(x, a.get(0, "value")));
    if (i < 0) throw new TemplateRenderError(`${str(a.get(0, "value"))} is not in list`);
    return BigInt(i);
  }],
  ["count", (list, a, ctx) => {
    ctx.step(Math.ceil(list.length / 16));
    return BigInt(list.filter((x) => equals(x, a.get(0, "value"))).length);
  }],
  ["copy", (list) => [...list]],
]);

const DICT_METHODS = new Map<string, Method<Dict>>([
  ["keys", (d) => d.keys()],
  ["values", (d) => d.values()],
  ["items", (d) => d.pairs().map((p) => tuple(p))],
  ["get", (d, a) => (d.has(a.get(0, "key")) ? d.get(a.get(0, "key")) : a.get(1, "default", null))],
  ["copy", (d) => Dict.fromPairs(d.pairs())],
]);

const DATETIME_METHODS = new Map<string, Method<DateTime>>([
  ["strftime", (dt, a, ctx) => strftime(dt, a.string(0, "format"), ctx)],
  ["timestamp", (dt) => dt.epochMs / 1000],
  ["isoformat", (dt, a) => isoFormat(dt, a.string(0, "sep", "T"))],
  ["weekday", (dt) => BigInt(dateParts(dt).weekday)],
  ["isoweekday", (dt) => BigInt(dateParts(dt).weekday + 1)],
]);

function bind<T>(self: T, name: string, method: Method<T> | undefined): Callable | undefined {
  if (!method) return undefined;
  return new Callable(`${name}`, (args: Value[], kwargs: Kwargs, ctx: CallContext) => method(self, new Args(name, args, kwargs), ctx));
}

/** The bound method `name` of `value`, or undefined when its type has none by that name. */
export function methodOf(value: Value, name: string): Callable | undefined {
  if (typeof value === "string") return bind(value, name, STRING_METHODS.get(name));
  if (Array.isArray(value)) return bind(value as readonly Value[], name, LIST_METHODS.get(name));
  if (value instanceof Dict) return bind(value, name, DICT_METHODS.get(name));
  if (value instanceof DateTime) return bind(value, name, DATETIME_METHODS.get(name));
  return undefined;
}
