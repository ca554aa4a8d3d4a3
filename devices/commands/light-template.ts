/**
 * The MQTT light template schema, as HA's `mqtt/light/schema_template.py`
 * publishes it: `command_on_template` / `command_off_template` rendered with
 * `state`, `brightness` (0..255), `color_temp` (mireds), `red`/`green`/`blue`
 * and `hue`/`sat`. Which of those the light accepts follows from its state
 * templates (`brightness_template`, `color_temp_template`, `red_template`...),
 * exactly as HA derives the supported colour modes.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import { hsvToRgb255 } from "./color.ts";
import type { EntityConfig } from "./entity-config.ts";
import { kelvinToMired } from "./ha-math.ts";
import { type ColorMode, lightRequest } from "./light-request.ts";

export function templateSchemaModes(config: EntityConfig): Set<ColorMode> {
  const modes = new Set<ColorMode>();
  if (config.string("brightness_template")) modes.add("brightness");
  if (config.string("color_temp_template")) modes.add("color_temp");
  if (config.string("red_template") && config.string("green_template") && config.string("blue_template")) modes.add("hs");
  // HA drops on/off and bare brightness when a colour mode is present.
  if (modes.size === 0) modes.add("onoff");
  return modes;
}

/** @throws UnsupportedActionError when a template is missing or the light lacks what the action needs. */
export function encodeTemplateLight(config: EntityConfig, action: Action): OutgoingMessage[] {
  const commandTopic = config.requireTopic("command_topic", "be switched");
  for (const key of ["command_on_template", "command_off_template"]) {
    if (!config.string(key)) throw config.unsupported(`a template-schema light needs ${key}`);
  }
  const request = lightRequest(config, action, templateSchemaModes(config));
  if (!request.on) {
    return [config.message(commandTopic, config.render("command_off_template", null, { state: false }))];
  }
  const values: Record<string, unknown> = { state: true };
  if (request.brightness !== undefined) values.brightness = request.brightness;
  if (request.colorTempKelvin !== undefined) values.color_temp = kelvinToMired(request.colorTempKelvin);
  if (request.hs) {
    const [hue, sat] = request.hs;
    const current = config.entity.attributes.brightness;
    const brightness = config.string("brightness_template")
      ? 255
      : (request.brightness ?? (typeof current === "number" ? current : 255));
    const [red, green, blue] = hsvToRgb255(hue, sat, (brightness / 255) * 100);
    Object.assign(values, { red, green, blue, hue, sat });
  }
  return [config.message(commandTopic, config.render("command_on_template", null, values))];
}
