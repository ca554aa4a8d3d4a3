/**
 * Time in templates, as HA provides it: `now()`/`utcnow()`, `as_timestamp`,
 * `as_datetime`, the `timestamp_local` / `timestamp_utc` / `timestamp_custom`
 * filters and `datetime.strftime` (C's directives; local time is the host's
 * time zone, as HA's configured zone would be).
 */
import { TemplateRenderError } from "./errors.ts";
import { DateTime, dateParts, isNumeric, repr, toFloat, type CallContext, type Value } from "./values.ts";

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** `datetime.strftime(format)`. */
export function strftime(dt: DateTime, format: string, ctx: CallContext): string {
  const p = dateParts(dt);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const off = Math.abs(p.offsetMinutes);
  const out = format.replace(/%([a-zA-Z%])/g, (m, d: string) => {
    switch (d) {
      case "Y": return pad(p.year, 4);
      case "y": return pad(p.year % 100);
      case "m": return pad(p.month);
      case "d": return pad(p.day);
      case "H": return pad(p.hour);
      case "I": return pad(p.hour % 12 || 12);
      case "M": return pad(p.minute);
      case "S": return pad(p.second);
      case "f": return pad(p.millisecond * 1000, 6);
      case "p": return p.hour < 12 ? "AM" : "PM";
      case "a": return DAYS[p.weekday]!.slice(0, 3);
      case "A": return DAYS[p.weekday]!;
      case "w": return String((p.weekday + 1) % 7);
      case "u": return String(p.weekday + 1);
      case "b": case "h": return MONTHS[p.month - 1]!.slice(0, 3);
      case "B": return MONTHS[p.month - 1]!;
      case "j": return pad(p.dayOfYear, 3);
      case "z": return `${p.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(off / 60))}${pad(off % 60)}`;
      case "Z": return dt.utc ? "UTC" : "";
      case "s": return String(Math.floor(dt.epochMs / 1000));
      case "%": return "%";
      default: return m;
    }
  });
  ctx.checkSize(out.length, "strftime result");
  return out;
}

/** A timestamp (seconds since the epoch) from a template value. @returns undefined for a non-number. */
function seconds(value: Value): number | undefined {
  if (isNumeric(value)) return toFloat(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** HA `as_datetime`: an ISO 8601 string or a timestamp; undefined when neither. */
export function toDateTime(value: Value): DateTime | undefined {
  if (value instanceof DateTime) return value;
  const s = seconds(value);
  if (s !== undefined) return new DateTime(s * 1000, true);
  if (typeof value !== "string") return undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!iso) return undefined;
  const [, y, mo, d, h = "0", mi = "0", sec = "0", frac = "0", zone] = iso;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Math.floor(Number(`0.${frac}`) * 1000));
  if (Number.isNaN(ms)) return undefined;
  if (zone && zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  } else if (!zone) {
    // A naive time is local time (HA's default time zone).
    ms += new Date(ms).getTimezoneOffset() * 60_000;
    return new DateTime(ms, false);
  }
  return new DateTime(ms, zone === "Z" || zone === "+00:00");
}

/** HA `as_timestamp`: seconds since the epoch, or `fallback` (an error when none is given). */
export function asTimestamp(value: Value, fallback: Value | undefined): Value {
  const dt = toDateTime(value);
  if (dt) return dt.epochMs / 1000;
  return noDefault("as_timestamp", value, fallback);
}

/** The value of a filter's `default`, or HA's error for a bad input without one. */
export function noDefault(name: string, value: Value, fallback: Value | undefined): Value {
  if (fallback !== undefined) return fallback;
  throw new TemplateRenderError(`${name} got invalid input ${repr(value === undefined ? null : value)} and no default was specified`);
}

/** `timestamp_local` / `timestamp_utc` / `timestamp_custom`: a timestamp as an ISO string or strftime text. */
export function formatTimestamp(value: Value, utc: boolean, format: string | undefined, fallback: Value | undefined, name: string, ctx: CallContext): Value {
  const s = seconds(value);
  if (s === undefined) return noDefault(name, value, fallback);
  const dt = new DateTime(s * 1000, utc);
  if (format !== undefined) return strftime(dt, format, ctx);
  const p = dateParts(dt);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const off = Math.abs(p.offsetMinutes);
  const micro = p.millisecond ? `.${pad(p.millisecond * 1000, 6)}` : "";
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${micro}${p.offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}
