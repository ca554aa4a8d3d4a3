/**
 * The numeric rules Home Assistant applies when it turns a service call into
 * an MQTT payload. HA is Python: `round()` rounds halves to even, `str()` of a
 * float always shows a decimal point, and its range helpers
 * (`homeassistant/util/percentage.py`, `util/color.py`) use true division.
 * Reproducing those exactly is what makes our payloads byte-identical to HA's.
 */

/**
 * Python's `round(x, digits)`: the decimal nearest to the exact binary value
 * of x, exact halves to the even neighbour (`round(2.5) == 2`,
 * `round(127.5) == 128`, `round(2.675, 2) == 2.67` because 2.675 is stored
 * as 2.67499999...).
 */
export function pyRound(x: number, digits = 0): number {
  if (!Number.isFinite(x)) return x;
  if (digits === 0) {
    // x - floor(x) is exact in binary floating point, so the tie test is exact.
    const floor = Math.floor(x);
    const diff = x - floor;
    if (diff !== 0.5) return Math.round(x);
    return floor % 2 === 0 ? floor : floor + 1;
  }
  // toFixed rounds the exact value but sends ties up; its 100-digit expansion is exact, so detect ties there.
  const exact = Math.abs(x).toFixed(100);
  const point = exact.indexOf(".");
  const rest = exact.slice(point + 1 + digits);
  if (/^50*$/.test(rest)) {
    const kept = exact.slice(0, point + 1 + digits);
    const lastDigit = Number(kept[kept.length - 1]);
    const truncated = Number(kept);
    const magnitude = lastDigit % 2 === 0 ? truncated : Number((truncated + 10 ** -digits).toFixed(digits));
    return x < 0 ? -magnitude : magnitude;
  }
  return Number(x.toFixed(digits));
}

/** Python's `str(x)` for a number HA holds as a float: `21.0`, `21.5`. */
export function pyFloatString(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** Python's `str(value)` for the scalar types a discovery config may carry. */
export function pyString(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  return String(value);
}

/** Number of integer states in an inclusive range, as `util/percentage.py` counts them. */
function statesInRange(low: number, high: number): number {
  return high - low + 1;
}

/**
 * HA `percentage_to_ranged_value((low, high), percentage)`: 0..100 % onto a
 * device range, e.g. `(1, 4)` and 50 % → 2.0. Not rounded.
 */
export function percentageToRangedValue(low: number, high: number, percentage: number): number {
  const offset = low - 1;
  return offset + (statesInRange(low, high) * percentage) / 100;
}

/**
 * HA `scale_to_ranged_value(source, target, value)`: a value in one inclusive
 * range mapped onto another (used for brightness: `(1, 255)` → `(1, scale)`).
 */
export function scaleToRangedValue(
  source: [number, number],
  target: [number, number],
  value: number,
): number {
  const sourceOffset = source[0] - 1;
  const targetOffset = target[0] - 1;
  return ((value - sourceOffset) * statesInRange(target[0], target[1])) / statesInRange(source[0], source[1]) + targetOffset;
}

/** HA `color_temperature_kelvin_to_mired`: floor(1e6 / K). */
export function kelvinToMired(kelvin: number): number {
  return Math.floor(1_000_000 / kelvin);
}

/** HA `color_temperature_mired_to_kelvin`: floor(1e6 / mired). */
export function miredToKelvin(mired: number): number {
  return Math.floor(1_000_000 / mired);
}

/** A number HA holds as a Python float, so that it serialises as `30.0`, not `30`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/**
 * Compact JSON as HA's `json_dumps` (orjson) writes it: no spaces, keys in
 * insertion order, PyFloat values with a decimal point.
 */
export function pyJson(value: unknown): string {
  if (value instanceof PyFloat) return pyFloatString(value.value);
  if (Array.isArray(value)) return `[${value.map(pyJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${pyJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
