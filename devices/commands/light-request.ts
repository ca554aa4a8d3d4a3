/**
 * What Home Assistant's `light.turn_on` service does before a light platform
 * sees the call (`homeassistant/components/light/__init__.py`): brightness
 * percent to 0..255, brightness 0 meaning off, colour temperature clamped to
 * the light's range, an RGB colour converted to the colour mode the light
 * supports (RGB, else RGBW, else HS, else XY), and a colour temperature on a
 * colour-only light emulated as the HS colour of that white. The three MQTT
 * light schemas then encode the resulting request.
 */
import type { Action } from "./action.ts";
import { colorTemperatureToHs, hsToRgb, rgbToHs, rgbToRgbw, rgbToXy } from "./color.ts";
import type { EntityConfig } from "./entity-config.ts";
import { miredToKelvin, pyRound } from "./ha-math.ts";

export type ColorMode = "onoff" | "brightness" | "color_temp" | "hs" | "xy" | "rgb" | "rgbw" | "rgbww" | "white";

/** A turn-on request in HA's units: brightness 0..255, kelvin, RGB 0..255, hue degrees / saturation %, CIE xy. */
export interface LightOnRequest {
  brightness?: number;
  colorTempKelvin?: number;
  rgb?: [number, number, number];
  rgbw?: [number, number, number, number];
  hs?: [number, number];
  xy?: [number, number];
}

export type LightRequest = { on: false } | ({ on: true } & LightOnRequest);

/** The light's colour temperature range in kelvin, as HA's MQTT light derives it from the config. */
interface KelvinRange {
  min: number;
  max: number;
}

/** HA's defaults when a light gives neither mireds nor kelvin bounds. */
const DEFAULT_MIN_KELVIN = 2000;
const DEFAULT_MAX_KELVIN = 6535;

/** `min_mireds`/`max_mireds` (inverted into kelvin) take precedence over `min_kelvin`/`max_kelvin`. */
function kelvinRange(config: EntityConfig): KelvinRange {
  const maxMireds = config.number("max_mireds");
  const minMireds = config.number("min_mireds");
  return {
    min: maxMireds ? miredToKelvin(maxMireds) : config.number("min_kelvin", DEFAULT_MIN_KELVIN),
    max: minMireds ? miredToKelvin(minMireds) : config.number("max_kelvin", DEFAULT_MAX_KELVIN),
  };
}

/** True when any mode other than on/off is supported: HA `brightness_supported`. */
export function brightnessSupported(modes: ReadonlySet<ColorMode>): boolean {
  return [...modes].some((m) => m !== "onoff");
}

/**
 * Turn an Action into the request the light platform receives.
 * `isOn` decides toggles. @throws UnsupportedActionError for values out of
 * range, or when the light lacks the brightness/colour support asked for.
 */
export function lightRequest(config: EntityConfig, action: Action, modes: ReadonlySet<ColorMode>): LightRequest {
  const isOn = config.entity.state === "on";
  switch (action.type) {
    case "turn_on":
      return { on: true };
    case "turn_off":
      return { on: false };
    case "toggle":
      return { on: !isOn };
    case "light_set":
      break;
    default:
      throw config.unsupported("a light can only turn on, turn off, toggle or set brightness and colour");
  }
  const request: { on: true } & LightOnRequest = { on: true };
  if (action.rgb && action.color_temp_kelvin !== undefined) {
    throw config.unsupported("a colour and a colour temperature cannot be set together");
  }
  if (action.brightness_pct !== undefined) {
    const pct = action.brightness_pct;
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) throw config.unsupported(`brightness ${pct} % is outside 0..100`);
    const brightness = pyRound((pct * 255) / 100);
    if (brightness === 0) return { on: false };
    if (!brightnessSupported(modes)) throw config.unsupported("the light has no brightness control");
    request.brightness = brightness;
  }
  if (action.color_temp_kelvin !== undefined) {
    const kelvin = action.color_temp_kelvin;
    if (!Number.isFinite(kelvin) || kelvin <= 0) throw config.unsupported(`colour temperature ${kelvin} K is not a positive number`);
    const range = kelvinRange(config);
    const clamped = Math.round(Math.min(range.max, Math.max(range.min, kelvin)));
    if (modes.has("color_temp")) request.colorTempKelvin = clamped;
    else if (!setHs(request, colorTemperatureToHs(clamped), modes)) {
      throw config.unsupported("the light has no colour temperature or colour control");
    }
  }
  if (action.rgb) {
    const rgb = action.rgb;
    if (rgb.length !== 3 || rgb.some((c) => !Number.isInteger(c) || c < 0 || c > 255)) {
      throw config.unsupported(`colour ${JSON.stringify(rgb)} is not three integers 0..255`);
    }
    if (modes.has("rgb")) request.rgb = [rgb[0], rgb[1], rgb[2]];
    else if (modes.has("rgbw")) request.rgbw = rgbToRgbw(rgb);
    else if (modes.has("hs")) request.hs = rgbToHs(rgb);
    else if (modes.has("xy")) request.xy = rgbToXy(rgb);
    else throw config.unsupported("the light has no colour control");
  }
  return request;
}

/**
 * An HS colour in the light's mode (HS, else RGB, RGBW, XY through RGB at
 * full value), as HA converts it; false when the light has no colour mode.
 * Used for colour temperature on colour-only lights, which HA emulates.
 */
function setHs(request: LightOnRequest, hs: [number, number], modes: ReadonlySet<ColorMode>): boolean {
  if (modes.has("hs")) request.hs = hs;
  else if (modes.has("rgb")) request.rgb = hsToRgb(hs);
  else if (modes.has("rgbw")) request.rgbw = rgbToRgbw(hsToRgb(hs));
  else if (modes.has("xy")) request.xy = rgbToXy(hsToRgb(hs));
  else return false;
  return true;
}
