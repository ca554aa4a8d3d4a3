/**
 * Home Assistant templates (`value_template`, `*_command_template`) are Jinja.
 * hearth renders the subset people actually write with nunjucks, a well-kept
 * Jinja-compatible engine, plus the HA filters and functions they use
 * (`int`, `float`, `round`, `iif`, `from_json`, `to_json`, `is_defined`).
 */
import nunjucks from "nunjucks";

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });

const toNumber = (value: unknown, fallback: number, parse: (s: string) => number): number => {
  const n = typeof value === "number" ? value : parse(String(value));
  return Number.isFinite(n) ? n : fallback;
};
env.addFilter("int", (value: unknown, fallback = 0) => Math.trunc(toNumber(value, fallback, (s) => parseFloat(s))));
env.addFilter("float", (value: unknown, fallback = 0) => toNumber(value, fallback, parseFloat));
env.addFilter("round", (value: unknown, precision = 0) => {
  const f = 10 ** precision;
  return Math.round(toNumber(value, 0, parseFloat) * f) / f;
});
env.addFilter("iif", (cond: unknown, ifTrue: unknown = true, ifFalse: unknown = false) => (cond ? ifTrue : ifFalse));
env.addFilter("from_json", (value: unknown) => JSON.parse(String(value)));
env.addFilter("to_json", (value: unknown) => JSON.stringify(value));
env.addFilter("is_defined", (value: unknown) => value !== undefined);
env.addFilter("format", (format: unknown, ...args: unknown[]) => pythonPercentFormat(String(format), args));
env.addGlobal("iif", (cond: unknown, ifTrue: unknown = true, ifFalse: unknown = false) => (cond ? ifTrue : ifFalse));

/** Jinja's sandbox limit on range() (jinja2.sandbox.MAX_RANGE), which HA's template environment inherits. */
export const MAX_RANGE = 100_000;

/**
 * range(stop) / range(start, stop[, step]) as nunjucks defines it, refusing
 * more than MAX_RANGE items: a discovery payload's `range(0, 100000000)` would
 * otherwise take gigabytes and seconds on every state message.
 */
/**
 * Items all range() calls of one render may produce together: nested loops
 * (`range(1e5)` inside `range(1e5)`) would otherwise pass the per-call limit
 * and block the event loop for hours. Renders are synchronous, so one counter
 * reset at the start of each render is exact.
 */
export const MAX_RANGE_PER_RENDER = 1_000_000;
let rangeBudget = MAX_RANGE_PER_RENDER;

env.addGlobal("range", (start: number, stop?: number, step = 1) => {
  if (stop === undefined) [start, stop] = [0, start];
  if (!step) step = 1;
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isFinite(count) || count > MAX_RANGE) throw new Error(`range too big: ${count} items (the sandbox allows ${MAX_RANGE})`);
  rangeBudget -= count;
  if (rangeBudget < 0) throw new Error(`loops too long: more than ${MAX_RANGE_PER_RENDER} range() items in one render`);
  return Array.from({ length: count }, (_, i) => start + i * step);
});

/**
 * nunjucks is no sandbox, and a deny-list of member names cannot make it one
 * (`value[["constructor"]]` coerces an array to the name; a bare `constructor`
 * resolves through the globals object's prototype). Until hearth renders with
 * an interpreter over plain values, every path a compiled template has to a
 * JavaScript value is narrowed to an allow-list: member lookups reach only a
 * value's own data properties (JSON objects and arrays, string indices and
 * `length`) and the string/array methods in SAFE_METHODS; bare names reach
 * only own properties of the render's variables, the loop frame and the
 * globals registered here. No lookup can return a constructor or prototype.
 */
const SAFE_METHODS: Record<string, ReadonlySet<string>> = {
  string: new Set(["split", "replace", "trim", "toLowerCase", "toUpperCase", "indexOf", "slice", "substring", "startsWith", "endsWith", "includes", "padStart", "padEnd"]),
  array: new Set(["indexOf", "includes", "join", "slice"]),
};
type NunjucksRuntime = {
  memberLookup: (obj: unknown, name: unknown) => unknown;
  contextOrFrameLookup: (context: unknown, frame: unknown, name: string) => unknown;
  fromIterator: (value: unknown) => unknown;
  suppressValue: (value: unknown, autoescape: boolean) => unknown;
  Frame: { prototype: { set(name: string, value: unknown, resolveUp?: boolean): unknown } };
};
type NunjucksFrame = { lookup(name: string): unknown; resolve(name: string, forWrite?: boolean): { variables: Record<string, unknown> } | undefined };
const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;
const nunjucksMemberLookup = runtime.memberLookup;

/** The property name JavaScript would look up for `key` (arrays and numbers coerce to strings). */
function propertyName(key: unknown): string | undefined {
  if (typeof key === "symbol") return undefined;
  if (typeof key === "object" && key !== null && !Array.isArray(key)) return undefined;
  return String(key);
}

runtime.memberLookup = (obj, key) => {
  chargeStep();
  const name = propertyName(key);
  // Jinja's SandboxedEnvironment, which HA renders with, refuses `_`-prefixed attributes too.
  if (name === undefined || name.startsWith("_") || obj === undefined || obj === null) return undefined;
  if (typeof obj === "string") {
    if (name === "length") return obj.length;
    if (/^\d+$/.test(name)) return obj[Number(name)];
    return SAFE_METHODS.string!.has(name) ? nunjucksMemberLookup(obj, name) : undefined;
  }
  if (Array.isArray(obj)) {
    if (name === "length") return obj.length;
    if (Object.hasOwn(obj, name)) return obj[Number(name)];
    return SAFE_METHODS.array!.has(name) ? nunjucksMemberLookup(obj, name) : undefined;
  }
  if (typeof obj === "object" && Object.hasOwn(obj, name)) {
    const value = (obj as Record<string, unknown>)[name];
    return typeof value === "function" ? undefined : value;
  }
  return undefined;
};

runtime.contextOrFrameLookup = (context, frame, name) => {
  chargeStep();
  const scope = (frame as NunjucksFrame).resolve(name, false);
  if (scope && Object.hasOwn(scope.variables, name)) return scope.variables[name];
  const ctx = (context as { ctx: Record<string, unknown> }).ctx;
  if (Object.hasOwn(ctx, name)) return ctx[name];
  const globals = (env as unknown as { globals: Record<string, unknown> }).globals;
  if (Object.hasOwn(globals, name) && ALLOWED_GLOBALS.has(name)) return globals[name];
  return undefined;
};

/**
 * Budgets of one render (issue: a retained config that hangs the agent comes
 * back after every restart). Items iterated by all `for` loops together,
 * member and name lookups, and wall-clock time are charged; past any of them
 * the render throws TemplateBudgetError. Renders are synchronous, so one set
 * of counters reset at the start of each render is exact.
 */
export const RENDER_BUDGET = { steps: 100_000, loopItems: 10_000, outputChars: 64 * 1024, milliseconds: 50 };

/** A render that went past one of RENDER_BUDGET's limits. */
export class TemplateBudgetError extends Error {
  constructor(what: string) {
    super(`template over budget: ${what}`);
    this.name = "TemplateBudgetError";
  }
}

let stepsLeft = RENDER_BUDGET.steps;
let loopItemsLeft = RENDER_BUDGET.loopItems;
let deadline = Infinity;

function chargeStep(): void {
  if (--stepsLeft < 0) throw new TemplateBudgetError(`more than ${RENDER_BUDGET.steps} lookups`);
  if ((stepsLeft & 255) === 0 && Date.now() > deadline) throw new TemplateBudgetError(`more than ${RENDER_BUDGET.milliseconds} ms`);
}

const nunjucksFromIterator = runtime.fromIterator;
runtime.fromIterator = (value) => {
  const items = nunjucksFromIterator(value);
  const count = Array.isArray(items) ? items.length : typeof items === "string" ? items.length : items && typeof items === "object" ? Object.keys(items).length : 0;
  loopItemsLeft -= count;
  if (loopItemsLeft < 0) throw new TemplateBudgetError(`loops over more than ${RENDER_BUDGET.loopItems} items`);
  if (Date.now() > deadline) throw new TemplateBudgetError(`more than ${RENDER_BUDGET.milliseconds} ms`);
  return items;
};

/** Rejects a string result (or a width argument) larger than the output budget. */
function checkSize(what: string, length: number): void {
  if (length > RENDER_BUDGET.outputChars) throw new TemplateBudgetError(`${what} of ${length} characters (limit ${RENDER_BUDGET.outputChars})`);
}

// Filters that build large strings from small arguments are checked before they run, every filter's string result after.
const WIDTH_ARGUMENT: Record<string, (input: unknown, args: unknown[]) => number> = {
  center: (input, [width]) => Number(width ?? 80),
  indent: (input, [width]) => String(input ?? "").split("\n").length * (typeof width === "string" ? width.length : Number(width ?? 4)),
  replace: (input, [, replacement, maxCount]) => {
    const text = String(input ?? "");
    const times = maxCount === undefined ? text.length + 1 : Math.min(Number(maxCount), text.length + 1);
    return text.length + times * String(replacement ?? "").length;
  },
};
const filters = (env as unknown as { filters: Record<string, (...args: unknown[]) => unknown> }).filters;
for (const [name, filter] of Object.entries(filters)) {
  filters[name] = function budgeted(this: unknown, input: unknown, ...args: unknown[]) {
    chargeStep();
    const width = WIDTH_ARGUMENT[name]?.(input, args);
    if (width !== undefined) checkSize(`${name}()`, Number.isFinite(width) ? width : Infinity);
    const result = filter.call(this, input, ...args);
    if (typeof result === "string") checkSize(`${name}()`, result.length);
    return result;
  };
}
const ALLOWED_GLOBALS = new Set(["iif", "range"]);

// `~` concatenation has no runtime hook; what it builds is caught where it is kept (`set`) or written (`{{ }}`).
let outputCharsLeft = RENDER_BUDGET.outputChars;
const nunjucksSuppressValue = runtime.suppressValue;
runtime.suppressValue = (value, autoescape) => {
  const text = nunjucksSuppressValue(value, autoescape);
  chargeStep();
  outputCharsLeft -= typeof text === "string" ? text.length : 0;
  if (outputCharsLeft < 0) throw new TemplateBudgetError(`output over ${RENDER_BUDGET.outputChars} characters`);
  return text;
};
const frameSet = runtime.Frame.prototype.set;
runtime.Frame.prototype.set = function budgetedSet(this: unknown, name: string, value: unknown, resolveUp?: boolean) {
  chargeStep();
  if (typeof value === "string") checkSize(`variable ${name}`, value.length);
  return frameSet.call(this, name, value, resolveUp);
};

/**
 * Python's `format % args`, which Jinja's `format` filter applies
 * (`{{ '%02x%02x%02x' | format(red, green, blue) }}`): conversions
 * d i u o x X e E f F g G c s r and %%, with flags - + space 0, width and
 * precision. @throws Error when there are fewer arguments than conversions.
 */
function pythonPercentFormat(format: string, args: unknown[]): string {
  let next = 0;
  return format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([diuoxXeEfFgGcsr%])/g, (_m, flags: string, width?: string, precision?: string, conv?: string) => {
    if (conv === "%") return "%";
    if (next >= args.length) throw new Error(`format: not enough arguments for ${JSON.stringify(format)}`);
    const arg = args[next++];
    const num = typeof arg === "number" ? arg : Number(arg);
    const prec = precision === undefined ? undefined : Number(precision);
    let body: string;
    let numeric = true;
    switch (conv) {
      case "d": case "i": case "u": body = String(Math.trunc(Math.abs(num))); break;
      case "o": body = Math.trunc(Math.abs(num)).toString(8); break;
      case "x": body = Math.trunc(Math.abs(num)).toString(16); break;
      case "X": body = Math.trunc(Math.abs(num)).toString(16).toUpperCase(); break;
      case "f": case "F": body = Math.abs(num).toFixed(prec ?? 6); break;
      case "e": case "E": {
        const [mantissa, exponent] = Math.abs(num).toExponential(prec ?? 6).split("e");
        const e = Number(exponent);
        body = `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
        if (conv === "E") body = body.toUpperCase();
        break;
      }
      case "g": case "G": body = String(Number(Math.abs(num).toPrecision(prec || 6))); break;
      case "c": numeric = false; body = typeof arg === "number" ? String.fromCharCode(arg) : String(arg); break;
      default: numeric = false; body = arg === null || arg === undefined ? "None" : String(arg);
    }
    if (numeric && !Number.isFinite(num)) throw new Error(`format: %${conv} needs a number, got ${JSON.stringify(arg)}`);
    const sign = numeric ? (num < 0 ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "") : "";
    const w = width === undefined ? 0 : Number(width);
    if (flags.includes("-")) return (sign + body).padEnd(w);
    if (numeric && flags.includes("0")) return sign + body.padStart(w - sign.length, "0");
    return (sign + body).padStart(w);
  });
}

export type CompiledTemplate = (variables: Record<string, unknown>) => string;

/** A template nunjucks cannot compile (syntax it does not support). */
export class TemplateError extends Error {
  constructor(readonly source: string, reason: string) {
    super(`cannot use template ${JSON.stringify(source)}: ${reason}`);
    this.name = "TemplateError";
  }
}

/**
 * Jinja accepts number keys in dict literals (`{0:'off', 1:'low'}[value]`,
 * as Zigbee2MQTT's fan templates write them); nunjucks only string keys. Quote
 * them: a JS object looks `[2]` up as `"2"`, so the lookup still works. Only
 * inside `{{ }}` / `{% %}` and outside string literals.
 */
function quoteNumericDictKeys(source: string): string {
  return source.replace(/(\{\{|\{%)([\s\S]*?)(\}\}|%\})/g, (_block, open: string, body: string, close: string) => {
    let out = "";
    let quote: string | undefined;
    for (let i = 0; i < body.length; i++) {
      const ch = body[i]!;
      if (quote) {
        out += ch;
        if (ch === "\\") out += body[++i] ?? "";
        else if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        out += ch;
        continue;
      }
      const key = /^([{,]\s*)(-?\d+(?:\.\d+)?)(\s*:)/.exec(body.slice(i));
      if (key) {
        out += `${key[1]}"${key[2]}"${key[3]}`;
        i += key[0].length - 1;
        continue;
      }
      out += ch;
    }
    return open + out + close;
  });
}

/**
 * Compile a Jinja template once; rendering errors are thrown at render time.
 * @throws TemplateError when the template does not compile.
 */
export function compileTemplate(source: string): CompiledTemplate {
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(quoteNumericDictKeys(source), env, undefined, true);
  } catch (err) {
    throw new TemplateError(source, (err as Error).message.split("\n").pop()!.trim());
  }
  return (variables) => {
    rangeBudget = MAX_RANGE_PER_RENDER;
    stepsLeft = RENDER_BUDGET.steps;
    loopItemsLeft = RENDER_BUDGET.loopItems;
    outputCharsLeft = RENDER_BUDGET.outputChars;
    deadline = Date.now() + RENDER_BUDGET.milliseconds;
    try {
      const output = template.render(variables).trim();
      checkSize("output", output.length);
      return output;
    } finally {
      deadline = Infinity;
    }
  };
}

/**
 * Render a `value_template` against an incoming payload: `value` is the raw
 * string, `value_json` the parsed JSON when it parses.
 */
export function renderValueTemplate(template: CompiledTemplate, payload: string): string {
  let valueJson: unknown;
  try {
    valueJson = JSON.parse(payload);
  } catch {
    valueJson = undefined;
  }
  return template({ value: payload, value_json: valueJson });
}
