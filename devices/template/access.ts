/**
 * Attribute and item lookup (`a.b`, `a['b']`, `a[0]`, `a[1:3]`), as Jinja's
 * sandbox resolves them: `a.b` tries the Python attribute (a method such as
 * `dict.keys`) before the item, `a['b']` the item before the attribute. Only
 * data the engine built is consulted (Dict entries, array indices, Obj
 * fields, the method tables): there is no path to a host object's properties.
 * Looking anything up on Undefined is an error, as in Jinja.
 */
import { TemplateRenderError } from "./errors.ts";
import { methodOf } from "./methods.ts";
import { Callable, DateTime, Dict, dateParts, isTuple, Obj, tuple, typeName, type CallContext, type Value } from "./values.ts";

function undefinedError(name: Value): never {
  throw new TemplateRenderError(`cannot look up ${JSON.stringify(typeof name === "bigint" ? Number(name) : name)} on an undefined value`);
}

const DATETIME_FIELDS = new Set(["year", "month", "day", "hour", "minute", "second", "microsecond"]);

function attribute(object: Value, name: string): Value | typeof MISSING {
  if (object instanceof Obj) return object.fields.has(name) ? object.fields.get(name) : MISSING;
  if (object instanceof Callable) return object.attributes?.has(name) ? object.attributes.get(name) : MISSING;
  if (object instanceof DateTime && DATETIME_FIELDS.has(name)) {
    const p = dateParts(object);
    return BigInt(name === "microsecond" ? p.millisecond * 1000 : p[name as "year"]);
  }
  return methodOf(object, name) ?? MISSING;
}

const MISSING = Symbol("missing");

/** `object.name`. */
export function getAttr(object: Value, name: string): Value {
  if (object === undefined) undefinedError(name);
  const attr = attribute(object, name);
  if (attr !== MISSING) return attr;
  return object instanceof Dict ? object.get(name) : undefined;
}

/** `object[key]`. */
export function getItem(object: Value, key: Value): Value {
  if (object === undefined) undefinedError(key);
  if (object instanceof Dict) {
    if (object.has(key)) return object.get(key);
  } else if (Array.isArray(object) || typeof object === "string") {
    if (typeof key === "bigint" || typeof key === "boolean") {
      const chars = typeof object === "string" ? [...object] : (object as readonly Value[]);
      let i = Number(key);
      if (i < 0) i += chars.length;
      return i >= 0 && i < chars.length ? chars[i] : undefined;
    }
  }
  if (typeof key === "string") {
    const attr = attribute(object, key);
    if (attr !== MISSING) return attr;
  }
  return undefined;
}

/** Python slicing `object[start:stop:step]` of a list, tuple or string. */
export function getSlice(object: Value, start: Value, stop: Value, step: Value, ctx: CallContext): Value {
  if (object === undefined) undefinedError("slice");
  if (!Array.isArray(object) && typeof object !== "string") throw new TemplateRenderError(`'${typeName(object)}' object is not subscriptable`);
  const items = typeof object === "string" ? [...object] : (object as readonly Value[]);
  const n = items.length;
  const int = (v: Value, what: string): number | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "bigint" && typeof v !== "boolean") throw new TemplateRenderError(`slice ${what} must be an integer, not ${typeName(v)}`);
    return Number(v);
  };
  const s = int(step, "step") ?? 1;
  if (s === 0) throw new TemplateRenderError("slice step cannot be zero");
  const clamp = (v: number | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (v < 0) v += n;
    return s > 0 ? Math.min(Math.max(v, 0), n) : Math.min(Math.max(v, -1), n - 1);
  };
  const from = clamp(int(start, "start"), s > 0 ? 0 : n - 1);
  const to = clamp(int(stop, "stop"), s > 0 ? n : -1);
  const out: Value[] = [];
  for (let i = from; s > 0 ? i < to : i > to; i += s) out.push(items[i]);
  ctx.step(Math.ceil(out.length / 64));
  if (typeof object === "string") return out.join("");
  return isTuple(object) ? tuple(out) : out;
}
