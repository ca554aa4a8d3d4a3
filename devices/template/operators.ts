/**
 * Python's arithmetic on template values: `+ - * / // % **` with int
 * (bigint) / float promotion, string and list `+` and `*`, `~` (string
 * concatenation), `str % args`, and the `in` operator. Sizes are checked
 * before a result is built (`'x' * 10**9` fails at once).
 */
import { TemplateBudgetError, TemplateRenderError } from "./errors.ts";
import { percentFormat } from "./format.ts";
import { Dict, equals, isNumeric, isTuple, str, toFloat, tuple, typeName, type CallContext, type Value } from "./values.ts";

/**
 * Largest int a template may build, in bits. Python's ints are unbounded, but
 * printing a 500,000-bit int takes tens of milliseconds; HA templates compute
 * with device values well under 64 bits.
 */
export const MAX_INT_BITS = 8192;

const bitLength = (n: bigint) => (n < 0n ? -n : n).toString(16).length * 4;

function intOf(v: boolean | bigint): bigint {
  return typeof v === "boolean" ? (v ? 1n : 0n) : v;
}

function checkInt(n: bigint): bigint {
  const bits = bitLength(n);
  if (bits > MAX_INT_BITS) throw new TemplateBudgetError(`integer result too large (${bits} bits, the budget allows ${MAX_INT_BITS})`);
  return n;
}

function unsupported(op: string, a: Value, b: Value): never {
  throw new TemplateRenderError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function repeat(seq: string | readonly Value[], times: Value, ctx: CallContext): Value {
  if (typeof times !== "bigint" && typeof times !== "boolean") throw new TemplateRenderError(`can't multiply sequence by non-int of type '${typeName(times)}'`);
  const n = Number(intOf(times));
  if (n <= 0) return typeof seq === "string" ? "" : [];
  ctx.checkSize(seq.length * n, typeof seq === "string" ? "repeated string" : "repeated list");
  if (typeof seq === "string") {
    ctx.step(Math.ceil((seq.length * n) / 1024));
    return seq.repeat(n);
  }
  // A list costs a step per 64 items, as building one from a range or a loop would.
  ctx.step(Math.ceil((seq.length * n) / 64));
  const out = new Array<Value>(seq.length * n);
  for (let i = 0, k = 0; i < n; i++) for (const item of seq) out[k++] = item;
  return isTuple(seq) ? tuple(out) : out;
}

/** Python floor division and modulo on ints: results take the divisor's sign. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function zeroCheck(b: number | bigint, what: string): void {
  if (b === 0 || b === 0n) throw new TemplateRenderError(what);
}

/** Python's `a <op> b` for the arithmetic operators and `~`. @throws TemplateRenderError for unsupported operand types, TemplateBudgetError for results past the size budget. */
export function binaryOp(op: string, a: Value, b: Value, ctx: CallContext): Value {
  if (op === "~") {
    const s = str(a) + str(b);
    ctx.checkSize(s.length, "concatenated string");
    return s;
  }
  if (isNumeric(a) && isNumeric(b)) {
    const float = typeof a === "number" || typeof b === "number";
    if (float) {
      const x = toFloat(a);
      const y = toFloat(b);
      switch (op) {
        case "+": return x + y;
        case "-": return x - y;
        case "*": return x * y;
        case "/": zeroCheck(y, "float division by zero"); return x / y;
        case "//": zeroCheck(y, "float floor division by zero"); return Math.floor(x / y);
        case "%": { zeroCheck(y, "float modulo"); const r = x % y; return r !== 0 && (r < 0) !== (y < 0) ? r + y : r; }
        case "**":
          if (x === 0 && y < 0) throw new TemplateRenderError("0.0 cannot be raised to a negative power");
          return x ** y;
      }
    }
    const x = intOf(a as boolean | bigint);
    const y = intOf(b as boolean | bigint);
    switch (op) {
      case "+": return checkInt(x + y);
      case "-": return checkInt(x - y);
      case "*":
        if (bitLength(x) + bitLength(y) > MAX_INT_BITS + 8) throw new TemplateBudgetError(`integer result too large (more than ${MAX_INT_BITS} bits)`);
        return checkInt(x * y);
      case "/": zeroCheck(y, "division by zero"); return Number(x) / Number(y);
      case "//": zeroCheck(y, "integer division or modulo by zero"); return floorDiv(x, y);
      case "%": zeroCheck(y, "integer division or modulo by zero"); return x - floorDiv(x, y) * y;
      case "**": {
        if (y < 0n) {
          if (x === 0n) throw new TemplateRenderError("0.0 cannot be raised to a negative power");
          return Number(x) ** Number(y);
        }
        const absX = x < 0n ? -x : x;
        if (absX > 1n) {
          const bits = absX.toString(2).length;
          if (Number(y) * (bits - 1) > MAX_INT_BITS) throw new TemplateBudgetError(`integer result too large (${absX.toString(16).length > 8 ? "a big int" : x} ** ${y})`);
        }
        return checkInt(x ** y);
      }
    }
  }
  switch (op) {
    case "+":
      if (typeof a === "string" && typeof b === "string") {
        ctx.checkSize(a.length + b.length, "concatenated string");
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
        ctx.checkSize(a.length + b.length, "concatenated list");
        ctx.step(Math.ceil((a.length + b.length) / 64));
        const out = [...a, ...b];
        return isTuple(a) ? tuple(out) : out;
      }
      break;
    case "*":
      if (typeof a === "string" || Array.isArray(a)) return repeat(a as string | readonly Value[], b, ctx);
      if (typeof b === "string" || Array.isArray(b)) return repeat(b as string | readonly Value[], a, ctx);
      break;
    case "%":
      if (typeof a === "string") {
        const result = b instanceof Dict ? percentFormat(a, [], b) : percentFormat(a, isTuple(b) ? (b as readonly Value[]) : [b]);
        ctx.checkSize(result.length, "formatted string");
        return result;
      }
      break;
  }
  return unsupported(op, a, b);
}

/** Python's unary `-x` / `+x`. @throws TemplateRenderError for a non-number. */
export function unaryOp(op: "-" | "+", v: Value): Value {
  if (typeof v === "bigint" || typeof v === "boolean") return op === "-" ? -intOf(v) : intOf(v);
  if (typeof v === "number") return op === "-" ? -v : v;
  throw new TemplateRenderError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** Python's `needle in haystack`. */
export function contains(haystack: Value, needle: Value, ctx: CallContext): boolean {
  if (typeof haystack === "string") {
    if (typeof needle !== "string") throw new TemplateRenderError(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) {
    ctx.step(Math.ceil(haystack.length / 16));
    return haystack.some((x) => equals(x, needle));
  }
  if (haystack instanceof Dict) return haystack.has(needle);
  if (haystack === undefined) return false;
  throw new TemplateRenderError(`argument of type '${typeName(haystack)}' is not iterable`);
}
