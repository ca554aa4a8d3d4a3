/**
 * The commands a user can give an entity, read off its own discovery config,
 * for the round-trip bench (bench/z2m-roundtrip.ts): each feature the config
 * announces gets the actions that exercise it, at its limits and in between,
 * so that what hearth then encodes can be checked against what the firmware
 * accepts. Only features the config claims are tried (no colour for a
 * brightness-only light): hearth refusing one of these is a hearth failure.
 *
 * Not tried, because hearth's Action has no such command: light effects,
 * climate fan and swing modes, cover tilt.
 */
import type { Action } from "../devices/commands/action.ts";
import type { Entity } from "../devices/entity.ts";

export interface TriedAction {
  /** Short label grouping similar actions in the report ("on", "brightness", "option"). */
  kind: string;
  /** The exact value tried, for the detail lines. */
  label: string;
  action: Action;
}

const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const has = (c: Record<string, unknown>, key: string) => typeof c[key] === "string" && c[key] !== "";

/** Min, middle (on the step grid) and max of a range, without duplicates, rounded to 6 decimals. */
function spread(min: number, max: number, step: number): number[] {
  const mid = min + Math.round((max - min) / 2 / step) * step;
  return [...new Set([min, Math.min(max, mid), max].map((v) => Number(v.toFixed(6))))];
}

/** A string of `length` letters, for text entities with a length range. */
const letters = (length: number) => "hearth".repeat(Math.ceil(length / 6)).slice(0, length);

/** Actions to try on `entity`, from its config (empty for components hearth cannot command). */
export function actionsFor(entity: Entity): TriedAction[] {
  const c = entity.config ?? {};
  const out: TriedAction[] = [];
  const add = (kind: string, label: string, action: Action) => out.push({ kind, label, action });
  switch (entity.domain) {
    case "light": {
      add("on", "on", { type: "turn_on" });
      add("off", "off", { type: "turn_off" });
      const modes = list(c.supported_color_modes);
      const dimmable = c.brightness === true || modes.some((m) => m !== "onoff");
      if (dimmable) for (const pct of [1, 50, 100]) add("brightness", `brightness ${pct} %`, { type: "light_set", brightness_pct: pct });
      if (modes.includes("color_temp")) {
        // Kelvin limits from the config (mireds in Zigbee2MQTT's), else HA's defaults 2000..6535 K.
        const minK = c.min_kelvin !== undefined ? num(c.min_kelvin, 2000) : c.max_mireds !== undefined ? Math.ceil(1e6 / num(c.max_mireds, 500)) : 2000;
        const maxK = c.max_kelvin !== undefined ? num(c.max_kelvin, 6535) : c.min_mireds !== undefined ? Math.floor(1e6 / num(c.min_mireds, 153)) : 6535;
        for (const k of spread(minK, maxK, 1)) add("color_temp", `color_temp ${k} K`, { type: "light_set", color_temp_kelvin: Math.round(k) });
      }
      if (modes.some((m) => ["xy", "hs", "rgb", "rgbw", "rgbww"].includes(m))) {
        for (const [name, rgb] of [["red", [255, 0, 0]], ["green", [0, 255, 0]], ["blue", [0, 0, 255]], ["warm white", [255, 180, 107]]] as const) add("color", `color ${name}`, { type: "light_set", rgb: [...rgb] });
      }
      break;
    }
    case "switch":
      add("on", "on", { type: "turn_on" });
      add("off", "off", { type: "turn_off" });
      break;
    case "cover":
      if (has(c, "command_topic")) {
        if (c.payload_open !== null) add("open", "open", { type: "open" });
        if (c.payload_close !== null) add("close", "close", { type: "close" });
        if (c.payload_stop !== null) add("stop", "stop", { type: "stop" });
      }
      if (has(c, "set_position_topic")) for (const p of [0, 40, 100]) add("position", `position ${p}`, { type: "set_position", position: p });
      break;
    case "climate": {
      const min = num(c.min_temp, 7);
      const max = num(c.max_temp, 35);
      const step = num(c.temp_step, 1) || 1;
      if (has(c, "temperature_command_topic")) for (const t of spread(min, max, step)) add("temperature", `temperature ${t}`, { type: "set_temperature", temperature: t });
      if (has(c, "temperature_low_command_topic") && has(c, "temperature_high_command_topic")) {
        const low = Math.min(max, Math.max(min, 19));
        const high = Math.max(low, Math.min(max, 24));
        add("range", `range ${low}..${high}`, { type: "set_temperature", target_temp_low: low, target_temp_high: high });
      }
      if (has(c, "mode_command_topic")) for (const mode of list(c.modes)) add("mode", `mode ${mode}`, { type: "set_hvac_mode", hvac_mode: mode });
      if (has(c, "preset_mode_command_topic")) for (const preset of list(c.preset_modes)) add("preset", `preset ${preset}`, { type: "set_preset_mode", preset_mode: preset });
      break;
    }
    case "lock":
      add("lock", "lock", { type: "lock" });
      add("unlock", "unlock", { type: "unlock" });
      if (typeof c.payload_open === "string") add("open", "open", { type: "open" });
      break;
    case "fan": {
      if (has(c, "command_topic")) {
        add("on", "on", { type: "turn_on" });
        add("off", "off", { type: "turn_off" });
      }
      if (has(c, "percentage_command_topic")) {
        for (const p of [1, 50, 100]) add("percentage", `percentage ${p}`, { type: "set_percentage", percentage: p });
        if (has(c, "command_topic")) add("on at percentage", "on at 50 %", { type: "turn_on", percentage: 50 });
      }
      if (has(c, "preset_mode_command_topic")) for (const preset of list(c.preset_modes)) add("preset", `preset ${preset}`, { type: "set_preset_mode", preset_mode: preset });
      break;
    }
    case "select":
      for (const option of list(c.options)) add("option", `option ${option}`, { type: "select_option", option });
      break;
    case "number": {
      const min = num(c.min, 1);
      const max = num(c.max, 100);
      const step = num(c.step, 1) || 1;
      for (const v of spread(min, max, step)) add("value", `value ${v}`, { type: "set_value", value: v });
      break;
    }
    case "button":
      add("press", "press", { type: "press" });
      break;
    case "scene":
      add("activate", "activate", { type: "activate" });
      break;
    case "text": {
      const min = num(c.min, 0);
      const max = Math.min(num(c.max, 255), 255);
      if (typeof c.pattern === "string") break; // a value matching an arbitrary pattern is not generated here
      for (const length of [...new Set([Math.max(min, 1), Math.min(max, 12)])]) add("value", `text of ${length}`, { type: "set_value", value: letters(length) });
      break;
    }
    case "siren": {
      add("on", "on", { type: "turn_on" });
      add("off", "off", { type: "turn_off" });
      for (const tone of list(c.available_tones)) add("tone", `tone ${tone}`, { type: "turn_on", tone });
      if (c.support_duration !== false) add("duration", "duration 30 s", { type: "turn_on", duration: 30 });
      if (c.support_volume_set !== false) for (const v of [0.2, 1]) add("volume", `volume ${v}`, { type: "turn_on", volume_level: v });
      break;
    }
  }
  return out;
}
