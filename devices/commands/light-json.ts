/**
 * The MQTT light JSON schema, as HA's `mqtt/light/schema_json.py` publishes
 * it: one JSON body on `command_topic`, e.g.
 * `{"state":"ON","color":{"r":255,"g":0,"b":0},"brightness":254,"color_temp":250}`,
 * with brightness scaled to `brightness_scale` and colour temperature in
 * mireds, or kelvin when `color_temp_kelvin` is true.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { kelvinToMired, PyFloat, pyJson, pyRound, scaleToRangedValue } from "./ha-math.ts";
import { brightnessSupported, type ColorMode, lightRequest } from "./light-request.ts";

const KNOWN_MODES: ColorMode[] = ["onoff", "brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"];

/** `supported_color_modes` when given, else brightness when `brightness: true`, else on/off. */
export function jsonSchemaModes(config: EntityConfig): Set<ColorMode> {
  const listed = config.list("supported_color_modes");
  if (listed && listed.length > 0) {
    const unknown = listed.filter((m) => !KNOWN_MODES.includes(m as ColorMode));
    if (unknown.length > 0) throw config.unsupported(`supported_color_modes has unknown modes ${unknown.join(", ")}`);
    return new Set(listed as ColorMode[]);
  }
  return new Set<ColorMode>([config.boolean("brightness", false) ? "brightness" : "onoff"]);
}

/** @throws UnsupportedActionError when the light lacks what the action needs. */
export function encodeJsonLight(config: EntityConfig, action: Action): OutgoingMessage[] {
  const commandTopic = config.requireTopic("command_topic", "be switched");
  const modes = jsonSchemaModes(config);
  const request = lightRequest(config, action, modes);
  if (!request.on) return [config.message(commandTopic, pyJson({ state: "OFF" }))];

  const body: Record<string, unknown> = { state: "ON" };
  let brightness = request.brightness;
  // Without `brightness: true` HA folds the brightness into the colour channels and omits it.
  const scaleColour = (channels: number[]): number[] => {
    if (config.boolean("brightness", false)) return channels;
    const factor = brightness ?? 255;
    brightness = undefined;
    return channels.map((c) => pyRound((c / 255) * factor));
  };
  if (request.hs) body.color = { h: new PyFloat(request.hs[0]), s: new PyFloat(request.hs[1]) };
  if (request.rgb) {
    const [r, g, b] = scaleColour(request.rgb);
    body.color = { r, g, b };
  }
  if (request.rgbw) {
    const [r, g, b, w] = scaleColour(request.rgbw);
    body.color = { r, g, b, w };
  }
  if (request.xy) body.color = { x: new PyFloat(request.xy[0]), y: new PyFloat(request.xy[1]) };
  if (brightness !== undefined && brightnessSupported(modes)) {
    const scale = config.number("brightness_scale", 255);
    body.brightness = Math.max(pyRound(scaleToRangedValue([1, 255], [1, scale], brightness)), 1);
  }
  if (request.colorTempKelvin !== undefined) {
    body.color_temp = config.boolean("color_temp_kelvin", false) ? request.colorTempKelvin : kelvinToMired(request.colorTempKelvin);
  }
  return [config.message(commandTopic, pyJson(body))];
}
