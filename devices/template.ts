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
env.addGlobal("range", (start: number, stop?: number, step = 1) => {
  if (stop === undefined) [start, stop] = [0, start];
  if (!step) step = 1;
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isFinite(count) || count > MAX_RANGE) throw new Error(`range too big: ${count} items (the sandbox allows ${MAX_RANGE})`);
  return Array.from({ length: count }, (_, i) => start + i * step);
});

/**
 * nunjucks is no sandbox: `{{ value_json.constructor.constructor('...')() }}`
 * reaches Function and runs code inside hearth, from any discovery payload.
 * Jinja's SandboxedEnvironment, which HA renders templates with, refuses
 * attributes that start with `_`; hearth refuses those and the members that
 * lead to constructors and prototypes, in the one function compiled
 * templates use for every `a.b` and `a["b"]` (nunjucks' runtime.memberLookup).
 * The lookup then yields undefined, and calling it is a render error.
 */
const UNSAFE_MEMBERS = new Set(["constructor", "prototype", "caller", "callee", "arguments"]);
const runtime = (nunjucks as unknown as { runtime: { memberLookup: (obj: unknown, name: unknown) => unknown } }).runtime;
const nunjucksMemberLookup = runtime.memberLookup;
runtime.memberLookup = (obj, name) => {
  if (typeof name === "string" && (name.startsWith("_") || UNSAFE_MEMBERS.has(name))) return undefined;
  return nunjucksMemberLookup(obj, name);
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
  return (variables) => template.render(variables).trim();
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
