/**
 * MQTT siren (HA `mqtt/siren.py`, with the siren component's
 * `process_turn_on_params`). Turning on sends `payload_on` (default `ON`),
 * turning off `payload_off` (default `OFF`), on `command_topic`:
 * - through `command_template` (off: `command_off_template`, else
 *   `command_template`), rendered with `value` and the variables `state`
 *   (the payload) and, for turn on, `tone`, `duration`, `volume_level`;
 * - without a template, as the JSON object of those variables
 *   (`{"state":"ON","tone":"fire"}`, HA's compact json_dumps).
 * Options the siren does not support are dropped, as HA drops them: `tone`
 * needs `available_tones` (and must be one of them), `duration` needs
 * `support_duration`, `volume_level` needs `support_volume_set` (both default
 * true). A payload that renders empty or to a part of "None" is not sent.
 */
import type { OutgoingMessage } from "../entity.ts";
import type { Action } from "./action.ts";
import type { EntityConfig } from "./entity-config.ts";
import { PyFloat, pyJson } from "./ha-math.ts";

/** @throws UnsupportedActionError for other actions, an unknown tone, a negative duration or a volume outside 0..1. */
export function encodeSiren(config: EntityConfig, action: Action): OutgoingMessage[] {
  const topic = config.requireTopic("command_topic", "be switched");
  let payload: string;
  if (action.type === "turn_off") {
    const off = config.payload("payload_off", "OFF") ?? "OFF";
    const template = config.string("command_off_template") !== undefined ? "command_off_template" : "command_template";
    payload = config.string(template) !== undefined ? config.render(template, off, { state: off }) : pyJson({ state: off });
  } else if (action.type === "turn_on") {
    const on = config.payload("payload_on", "ON") ?? "ON";
    const options = turnOnOptions(config, action);
    if (config.string("command_template") !== undefined) payload = config.render("command_template", on, { state: on, ...options });
    else {
      // HA holds volume_level as a float: json_dumps writes 1.0, not 1.
      payload = pyJson({ state: on, ...options, ...(options.volume_level !== undefined ? { volume_level: new PyFloat(options.volume_level as number) } : {}) });
    }
  } else {
    throw config.unsupported("a siren can only turn on (with a tone, duration or volume) or turn off");
  }
  if (payload === "" || "None".includes(payload)) return [];
  return [config.message(topic, payload)];
}

function turnOnOptions(config: EntityConfig, action: Extract<Action, { type: "turn_on" }>): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const tones = config.list("available_tones") ?? [];
  if (action.tone !== undefined && tones.length > 0) {
    if (!tones.includes(action.tone)) throw config.unsupported(`tone ${JSON.stringify(action.tone)} is not one of ${tones.map((t) => JSON.stringify(t)).join(", ")}`);
    options.tone = action.tone;
  }
  if (action.volume_level !== undefined && config.boolean("support_volume_set", true)) {
    if (!(action.volume_level >= 0 && action.volume_level <= 1)) throw config.unsupported(`volume_level ${action.volume_level} is outside 0..1`);
    options.volume_level = action.volume_level;
  }
  if (action.duration !== undefined && config.boolean("support_duration", true)) {
    if (!(Number.isInteger(action.duration) && action.duration >= 0)) throw config.unsupported(`duration ${action.duration} is not a whole number of seconds`);
    options.duration = action.duration;
  }
  return options;
}
