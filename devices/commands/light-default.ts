/**
 * The MQTT light default ("basic") schema, as HA's
 * `mqtt/light/schema_basic.py` publishes it: one topic per attribute
 * (brightness, colour temperature, rgb/rgbw/hs/xy), each with an optional
 * `*_command_template`, and `payload_on` on `command_topic` first, last, or
 * never (`on_command_type: first | last | brightness`).
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { kelvinToMired, pyFloatString, pyRound } from "./ha-math.ts";
import { type ColorMode, lightRequest } from "./light-request.ts";

/** Colour modes follow from the command topics present, as in HA. */
export function defaultSchemaModes(config: EntityConfig): Set<ColorMode> {
  const modes = new Set<ColorMode>();
  const byTopic: [string, ColorMode][] = [
    ["color_temp_command_topic", "color_temp"],
    ["hs_command_topic", "hs"],
    ["rgb_command_topic", "rgb"],
    ["rgbw_command_topic", "rgbw"],
    ["xy_command_topic", "xy"],
  ];
  for (const [topic, mode] of byTopic) if (config.string(topic)) modes.add(mode);
  if (modes.size === 0) modes.add(config.string("brightness_command_topic") ? "brightness" : "onoff");
  return modes;
}

/** Scale colour channels by a brightness 0..255 (HA `scale_rgbx`, truncating like Python's `int()`). */
function scaleChannels(channels: readonly number[], brightness: number): number[] {
  return channels.map((c) => Math.trunc((c * brightness) / 255));
}

/** @throws UnsupportedActionError when the light lacks what the action needs. */
export function encodeDefaultLight(config: EntityConfig, action: Action): OutgoingMessage[] {
  const commandTopic = config.requireTopic("command_topic", "be switched");
  const payloadOn = config.payload("payload_on", "ON") ?? "ON";
  const payloadOff = config.payload("payload_off", "OFF") ?? "OFF";
  const onCommandType = config.string("on_command_type") ?? "last";
  if (!["first", "last", "brightness"].includes(onCommandType)) {
    throw config.unsupported(`on_command_type ${JSON.stringify(onCommandType)} is not first, last or brightness`);
  }
  const request = lightRequest(config, action, defaultSchemaModes(config));
  if (!request.on) return [config.message(commandTopic, payloadOff)];

  const messages: OutgoingMessage[] = [];
  const brightnessTopic = config.string("brightness_command_topic");
  const rgbTopic = config.string("rgb_command_topic");
  const rgbwTopic = config.string("rgbw_command_topic");
  const current = config.entity.attributes;
  const currentBrightness = typeof current.brightness === "number" && current.brightness > 0 ? current.brightness : undefined;

  if (onCommandType === "first") messages.push(config.message(commandTopic, payloadOn));
  else if (onCommandType === "brightness" && request.brightness === undefined) {
    // HA sends the last known brightness (or full) instead of an on payload.
    request.brightness = currentBrightness ?? 255;
  }

  // When the light has its own brightness topic the colour is sent unscaled.
  const colourBrightness = brightnessTopic ? 255 : (request.brightness ?? currentBrightness ?? 255);
  const renderChannels = (templateKey: string, channels: number[], names: string[]): string =>
    config.render(templateKey, channels.join(","), Object.fromEntries(names.map((n, i) => [n, channels[i]])));

  const hsTopic = config.string("hs_command_topic");
  if (request.hs && hsTopic) {
    const [hue, sat] = request.hs;
    messages.push(config.message(hsTopic, config.render("hs_command_template", `${pyFloatString(hue)},${pyFloatString(sat)}`, { hue, sat })));
  }
  if (request.rgb && rgbTopic) {
    const rgb = scaleChannels(request.rgb, colourBrightness);
    messages.push(config.message(rgbTopic, renderChannels("rgb_command_template", rgb, ["red", "green", "blue"])));
  }
  if (request.rgbw && rgbwTopic) {
    const rgbw = scaleChannels(request.rgbw, colourBrightness);
    messages.push(config.message(rgbwTopic, renderChannels("rgbw_command_template", rgbw, ["red", "green", "blue", "white"])));
  }
  const xyTopic = config.string("xy_command_topic");
  if (request.xy && xyTopic) {
    const [x, y] = request.xy;
    messages.push(config.message(xyTopic, config.render("xy_command_template", `${pyFloatString(x)},${pyFloatString(y)}`, { x, y })));
  }

  if (request.brightness !== undefined && brightnessTopic) {
    const scale = config.number("brightness_scale", 255);
    const deviceBrightness = Math.max(Math.min(pyRound((request.brightness / 255) * scale), scale), 1);
    messages.push(config.message(brightnessTopic, config.render("brightness_command_template", deviceBrightness)));
  } else if (request.brightness !== undefined && !request.rgb && rgbTopic) {
    // No brightness topic: HA dims by scaling the current colour.
    const rgbColor = Array.isArray(current.rgb_color) && current.rgb_color.length === 3 ? (current.rgb_color as number[]) : [255, 255, 255];
    const rgb = scaleChannels(rgbColor, request.brightness);
    messages.push(config.message(rgbTopic, renderChannels("rgb_command_template", rgb, ["red", "green", "blue"])));
  } else if (request.brightness !== undefined && !request.rgbw && rgbwTopic) {
    const rgbwColor = Array.isArray(current.rgbw_color) && current.rgbw_color.length === 4 ? (current.rgbw_color as number[]) : [255, 255, 255, 255];
    const rgbw = scaleChannels(rgbwColor, request.brightness);
    messages.push(config.message(rgbwTopic, renderChannels("rgbw_command_template", rgbw, ["red", "green", "blue", "white"])));
  }

  const colorTempTopic = config.string("color_temp_command_topic");
  if (request.colorTempKelvin !== undefined && colorTempTopic) {
    const value = config.boolean("color_temp_kelvin", false) ? request.colorTempKelvin : kelvinToMired(request.colorTempKelvin);
    messages.push(config.message(colorTempTopic, config.render("color_temp_command_template", value)));
  }

  if (onCommandType === "last") messages.push(config.message(commandTopic, payloadOn));
  return messages;
}
