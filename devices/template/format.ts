/**
 * Python's `format % args` (printf-style), which Jinja's `format` filter and
 * the `%` operator on strings apply (`{{ '%02x%02x%02x' | format(r, g, b) }}`):
 * conversions d i u o x X e E f F g G c s r a and %%, flags - + space 0 #,
 * width and precision, and `%(name)s` with a dict.
 * @throws TemplateRenderError for too few arguments or a number conversion of a non-number.
 */
import { TemplateBudgetError, TemplateRenderError } from "./errors.ts";
import { Dict, floatRepr, isNumeric, repr, str, toFloat, type Value } from "./values.ts";

/** Widest field a conversion may pad to (the output budget). */
const MAX_FORMAT_WIDTH = 64 * 1024;
/** Most digits after the point (JavaScript's toFixed stops at 100). */
const MAX_PRECISION = 100;

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+|\*))?([diuoxXeEfFgGcsra%])/g;

/** `format % args`, or `format % mapping` for `%(name)s` conversions (see the module header). */
export function percentFormat(format: string, args: readonly Value[], mapping?: Dict): string {
  let next = 0;
  const take = (): Value => {
    if (next >= args.length) throw new TemplateRenderError(`not enough arguments for format string ${JSON.stringify(format)}`);
    return args[next++];
  };
  const out = format.replace(SPEC, (_m, key: string | undefined, flags: string, width?: string, precision?: string, conv?: string) => {
    if (conv === "%") return "%";
    const w = width === "*" ? Number(take()) : width === undefined ? 0 : Number(width);
    const prec = precision === "*" ? Number(take()) : precision === undefined ? undefined : Number(precision);
    // Checked before padding is built: `'%100000000d' | format(1)` would otherwise make 100 MB first.
    if (!(w <= MAX_FORMAT_WIDTH)) throw new TemplateBudgetError(`format width ${w} is past the template budget of ${MAX_FORMAT_WIDTH}`);
    if (prec !== undefined && !(prec <= MAX_PRECISION)) throw new TemplateRenderError(`format precision ${prec} is larger than ${MAX_PRECISION}`);
    const arg = key !== undefined ? (mapping ? mapping.get(key) : undefined) : take();
    if (key !== undefined && !mapping) throw new TemplateRenderError("format requires a mapping");
    return pad(convert(arg, conv!, flags, prec), flags, w, conv!);
  });
  if (!mapping && next < args.length) throw new TemplateRenderError("not all arguments converted during string formatting");
  return out;
}

function pad(body: { sign: string; digits: string; numeric: boolean }, flags: string, width: number, conv: string): string {
  const text = body.sign + body.digits;
  if (flags.includes("-")) return text.padEnd(width);
  if (body.numeric && flags.includes("0") && conv !== "c") return body.sign + body.digits.padStart(width - body.sign.length, "0");
  return text.padStart(width);
}

function number(arg: Value, conv: string): number | bigint {
  if (isNumeric(arg)) return typeof arg === "boolean" ? BigInt(arg) : arg;
  throw new TemplateRenderError(`%${conv} format: a real number is required, not ${arg === null ? "NoneType" : typeof arg === "string" ? "str" : "object"}`);
}

function convert(arg: Value, conv: string, flags: string, prec: number | undefined): { sign: string; digits: string; numeric: boolean } {
  const signOf = (negative: boolean) => (negative ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "");
  switch (conv) {
    case "s": return { sign: "", digits: prec === undefined ? str(arg) : str(arg).slice(0, prec), numeric: false };
    case "r": case "a": return { sign: "", digits: prec === undefined ? repr(arg) : repr(arg).slice(0, prec), numeric: false };
    case "c": {
      if (typeof arg === "string" && [...arg].length === 1) return { sign: "", digits: arg, numeric: false };
      const code = Number(number(arg, conv));
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw new TemplateRenderError("%c arg not in range(0x110000)");
      return { sign: "", digits: String.fromCodePoint(code), numeric: false };
    }
    case "d": case "i": case "u": case "o": case "x": case "X": {
      const n = number(arg, conv);
      if (typeof n === "number" && !Number.isFinite(n)) throw new TemplateRenderError(`cannot convert float ${floatRepr(n)} to integer`);
      if (typeof n === "number" && conv !== "d" && conv !== "i" && conv !== "u") throw new TemplateRenderError(`%${conv} format: an integer is required, not float`);
      const int = typeof n === "bigint" ? n : BigInt(Math.trunc(n));
      const abs = int < 0n ? -int : int;
      const radix = conv === "o" ? 8 : conv === "x" || conv === "X" ? 16 : 10;
      let digits = abs.toString(radix);
      if (conv === "X") digits = digits.toUpperCase();
      if (flags.includes("#") && radix !== 10) digits = (conv === "o" ? "0o" : conv === "x" ? "0x" : "0X") + digits;
      return { sign: signOf(int < 0n), digits, numeric: true };
    }
    default: {
      const x = toFloat(number(arg, conv));
      const abs = Math.abs(x);
      let digits: string;
      if (!Number.isFinite(x)) digits = Number.isNaN(x) ? "nan" : "inf";
      else if (conv === "f" || conv === "F") digits = abs.toFixed(prec ?? 6);
      else if (conv === "e" || conv === "E") digits = exponential(abs, prec ?? 6);
      else digits = general(abs, prec ?? 6, flags.includes("#"));
      if (conv === "E" || conv === "G" || conv === "F") digits = digits.toUpperCase();
      return { sign: signOf(x < 0 || Object.is(x, -0)), digits, numeric: true };
    }
  }
}

/** `%e`: mantissa with `prec` digits and a two-digit signed exponent, as C's printf. */
function exponential(x: number, prec: number): string {
  const [mantissa, exponent] = x.toExponential(Math.min(prec, 100)).split("e") as [string, string];
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** `%g`: `prec` significant digits, exponent form outside 1e-4 .. 10^prec, trailing zeros dropped. */
function general(x: number, prec: number, keepZeros: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (x === 0) return keepZeros ? `0.${"0".repeat(p - 1)}` : "0";
  const exp = Number(x.toExponential(p - 1).split("e")[1]);
  let text = exp < -4 || exp >= p ? exponential(x, p - 1) : x.toFixed(Math.max(0, p - 1 - exp));
  if (keepZeros) return text;
  const [mantissa, exponent] = text.split("e") as [string, string | undefined];
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}
