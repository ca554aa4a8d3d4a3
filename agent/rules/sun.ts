/**
 * Whether the sun is above or below the horizon at an instant, computed
 * offline from latitude and longitude with SunCalc (Meeus, Astronomical
 * Algorithms; sunrise and sunset at the standard −0.833° altitude, i.e. the
 * upper limb on the horizon with atmospheric refraction, as almanacs give them).
 */
import { getTimes } from "suncalc";

const DAY_MS = 86_400_000;

export interface GeoPoint {
  /** Degrees north. */
  latitude: number;
  /** Degrees east. */
  longitude: number;
}

/**
 * Daylight intervals [sunrise, sunset] in ms of the solar day SunCalc anchors
 * at `t_ms`. Polar day gives the whole day (nadir to next nadir); polar night none.
 */
function daylight(t_ms: number, where: GeoPoint): [number, number][] {
  const times = getTimes(new Date(t_ms), where.latitude, where.longitude);
  const nadir = times.nadir.getTime();
  const rise = times.sunrise?.getTime();
  const set = times.sunset?.getTime();
  if (rise !== undefined && set !== undefined) return [[rise, set]];
  if (rise !== undefined) return [[rise, nadir + DAY_MS]]; // sets only after the next nadir
  if (set !== undefined) return [[nadir, set]]; // rose before this day's nadir
  return times.alwaysUp ? [[nadir, nadir + DAY_MS]] : [];
}

/**
 * True when the sun is below the horizon at `t_ms` (ms since epoch), with
 * sunset and sunrise both moved by `offset_ms` (negative: earlier). Looks at
 * the solar days before, of and after the instant so that times near
 * midnight and near the poles come out right.
 */
export function isSunBelowHorizon(t_ms: number, where: GeoPoint, offset_ms = 0): boolean {
  const t = t_ms - offset_ms;
  for (const day of [t - DAY_MS, t, t + DAY_MS]) {
    for (const [rise, set] of daylight(day, where)) if (t >= rise && t < set) return false;
  }
  return true;
}

