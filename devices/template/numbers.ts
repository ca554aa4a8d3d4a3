/**
 * Python's number conversions and rounding as HA's template filters apply
 * them: `float(x)`, `int(x, base)` with Jinja's "42.23"|int quirk, and
 * `round(x, n)` rounding the exact binary value half to even.
 */
import { DateTime, isNumeric, toFloat, type Value } from "./values.ts";

const FLOAT_TEXT = /^[+-]?(?:(?:\d(?:_?\d)*)(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/** Python `float(value)`, or undefined where Python raises (ValueError, TypeError). */
export function pyFloat(value: Value): number | undefined {
  if (isNumeric(value)) return toFloat(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(text);
  if (special) return special[2]!.toLowerCase() === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  if (!FLOAT_TEXT.test(text)) return undefined;
  return Number(text.replace(/_/g, ""));
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Python's limit on int/str conversion (sys.get_int_max_str_digits(), 4,300 since 3.11): longer text is a ValueError. */
export const MAX_INT_DIGITS = 4300;

/** Python `int(text, base)` for a string, or undefined where Python raises ValueError. */
function intFromText(value: string, base: number): bigint | undefined {
  let text = value.trim().toLowerCase();
  let sign = 1n;
  if (text.startsWith("-") || text.startsWith("+")) {
    if (text[0] === "-") sign = -1n;
    text = text.slice(1);
  }
  const prefixes: Record<string, number> = { "0x": 16, "0o": 8, "0b": 2 };
  const prefix = prefixes[text.slice(0, 2)];
  if (prefix !== undefined && (base === prefix || base === 0)) {
    base = prefix;
    text = text.slice(2).replace(/^_/, "");
  } else if (base === 0) {
    if (/^0+(?:_?0)*$/.test(text)) return 0n;
    if (text.startsWith("0")) return undefined;
    base = 10;
  }
  if (base < 2 || base > 36 || !/^[0-9a-z](?:_?[0-9a-z])*$/.test(text)) return undefined;
  if (text.length > MAX_INT_DIGITS) return undefined;
  let n = 0n;
  for (const ch of text.replace(/_/g, "")) {
    const d = DIGITS.indexOf(ch);
    if (d < 0 || d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
  }
  return sign * n;
}

/** Python `int(x)` of a float: truncation; undefined for inf and nan (OverflowError, ValueError). */
function intFromFloat(x: number): bigint | undefined {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : undefined;
}

/**
 * Jinja's `do_int` without its default: `int(value, base)` for a string,
 * `int(value)` otherwise, and `int(float(value))` when those fail (so that
 * `"42.23"|int` is 42). Undefined when every conversion fails.
 */
export function pyInt(value: Value, base = 10): bigint | undefined {
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "number") return intFromFloat(value);
  if (typeof value === "string") {
    const direct = intFromText(value, base);
    if (direct !== undefined) return direct;
  }
  if (value instanceof DateTime) return undefined;
  const f = pyFloat(value);
  return f === undefined ? undefined : intFromFloat(f);
}

/**
 * Python 3's `round(x, ndigits)` for a float: the decimal nearest the exact
 * binary value, ties to even (`round(2.5) == 2`, `round(0.125, 2) == 0.12`,
 * `round(2.675, 2) == 2.67` because 2.675 is stored below the tie).
 * JavaScript's toFixed picks the same nearest decimal but breaks exact ties
 * upwards, so only exact ties are corrected here.
 */
export function pyRound(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits < 0) {
    const f = 10 ** -ndigits;
    return pyRound(x / f, 0) * f;
  }
  const abs = Math.abs(x);
  if (abs >= 1e21 || ndigits > 80) return x;
  const rounded = abs.toFixed(ndigits);
  // A tie is a terminating binary fraction, so ~20 more digits show it exactly (a trailing "5" then zeros).
  const long = abs.toFixed(Math.min(100, ndigits + 20));
  const point = long.indexOf(".");
  const tail = long.slice(point + 1 + ndigits);
  let text = rounded;
  if (/^50*$/.test(tail)) {
    const down = long.slice(0, ndigits === 0 ? point : point + 1 + ndigits);
    const lastDigit = Number(down[down.length - 1]);
    if (lastDigit % 2 === 0) text = down;
  }
  const result = Number(text);
  return x < 0 ? -result : result;
}
