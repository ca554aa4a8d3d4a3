/**
 * Colour conversions exactly as Home Assistant's `homeassistant/util/color.py`
 * does them (which in turn uses Python's `colorsys`), so that an RGB request
 * sent to an HS- or XY-only light yields the same numbers HA would publish.
 * RGB channels are 0..255, hue 0..360 degrees, saturation 0..100 %, CIE xy 0..1.
 */
import { pyRound } from "./ha-math.ts";

/** Python's float `%`: the result takes the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** `colorsys.rgb_to_hsv` on 0..1 channels. */
function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const rangec = maxc - minc;
  if (minc === maxc) return [0, 0, maxc];
  const s = rangec / maxc;
  const rc = (maxc - r) / rangec;
  const gc = (maxc - g) / rangec;
  const bc = (maxc - b) / rangec;
  let h: number;
  if (r === maxc) h = bc - gc;
  else if (g === maxc) h = 2.0 + rc - bc;
  else h = 4.0 + gc - rc;
  return [pyMod(h / 6.0, 1.0), s, maxc];
}

/** `colorsys.hsv_to_rgb` on 0..1 values. */
function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  let i = Math.trunc(h * 6.0);
  const f = h * 6.0 - i;
  const p = v * (1.0 - s);
  const q = v * (1.0 - s * f);
  const t = v * (1.0 - s * (1.0 - f));
  i = pyMod(i, 6);
  switch (i) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/** HA `color_RGB_to_hs`: hue in degrees and saturation in %, each rounded to 3 decimals. */
export function rgbToHs(rgb: readonly [number, number, number]): [number, number] {
  const [h, s] = rgbToHsv(rgb[0] / 255, rgb[1] / 255, rgb[2] / 255);
  return [pyRound(h * 360, 3), pyRound(s * 100, 3)];
}

/** HA `color_hsv_to_RGB(h, s, v)` with v in %: integer channels 0..255. */
export function hsvToRgb255(hue: number, sat: number, value: number): [number, number, number] {
  const [r, g, b] = hsvToRgb(hue / 360, sat / 100, value / 100);
  return [pyRound(r * 255), pyRound(g * 255), pyRound(b * 255)];
}

/**
 * HA `color_RGB_to_xy` (no gamut): sRGB gamma expansion, the Wide RGB D65
 * matrix used by Philips Hue, then xy rounded to 3 decimals.
 */
export function rgbToXy(rgb: readonly [number, number, number]): [number, number] {
  if (rgb[0] + rgb[1] + rgb[2] === 0) return [0, 0];
  const linear = rgb.map((c) => {
    const v = c / 255;
    return v > 0.04045 ? Math.pow((v + 0.055) / (1.0 + 0.055), 2.4) : v / 12.92;
  }) as [number, number, number];
  const [r, g, b] = linear;
  const X = r * 0.664511 + g * 0.154324 + b * 0.162028;
  const Y = r * 0.283881 + g * 0.668433 + b * 0.047685;
  const Z = r * 0.000088 + g * 0.07231 + b * 0.986039;
  return [pyRound(X / (X + Y + Z), 3), pyRound(Y / (X + Y + Z), 3)];
}

/**
 * HA `color_rgb_to_rgbw`: white is the smallest channel, subtracted from the
 * others, then all four rescaled so the largest output equals the largest input.
 */
export function rgbToRgbw(rgb: readonly [number, number, number]): [number, number, number, number] {
  const w = Math.min(...rgb);
  const out = [rgb[0] - w, rgb[1] - w, rgb[2] - w, w];
  const maxIn = Math.max(...rgb);
  const maxOut = Math.max(...out);
  const factor = maxOut === 0 ? 0 : maxIn / maxOut;
  return out.map((c) => pyRound(c * factor)) as [number, number, number, number];
}

/** HA `color_hs_to_RGB(h, s)`: full value (100 %). */
export function hsToRgb(hs: readonly [number, number]): [number, number, number] {
  return hsvToRgb255(hs[0], hs[1], 100);
}

const clampChannel = (c: number) => Math.min(255, Math.max(0, c));

/**
 * HA `color_temperature_to_rgb`: Tanner Helland's black-body approximation
 * (https://tannerhelland.com/2012/09/18/convert-temperature-rgb-algorithm-code.html),
 * kelvin clamped to 1000..40000; float channels 0..255.
 */
function colorTemperatureToRgb(kelvin: number): [number, number, number] {
  const t = Math.min(40000, Math.max(1000, kelvin)) / 100;
  const red = t <= 66 ? 255 : clampChannel(329.698727446 * Math.pow(t - 60, -0.1332047592));
  const green = t <= 66
    ? clampChannel(99.4708025861 * Math.log(t) - 161.1195681661)
    : clampChannel(288.1221695283 * Math.pow(t - 60, -0.0755148492));
  const blue = t >= 66 ? 255 : t <= 19 ? 0 : clampChannel(138.5177312231 * Math.log(t - 10) - 305.0447927307);
  return [red, green, blue];
}

/** HA `color_temperature_to_hs`: how a colour-only light shows a white of `kelvin`. */
export function colorTemperatureToHs(kelvin: number): [number, number] {
  return rgbToHs(colorTemperatureToRgb(kelvin));
}
