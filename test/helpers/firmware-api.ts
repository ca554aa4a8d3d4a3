/**
 * What three device firmwares accept on their MQTT command topics, written
 * by hearth from each firmware's own documentation (no code of theirs), for
 * test/devices/commands/firmware-api.test.ts. Each `accept*` takes one MQTT
 * message and says what the firmware would do (the state it changes) or why
 * it ignores the message.
 *
 * - Tasmota (docs/Commands.md, docs/MQTT.md): `cmnd/<topic>/<Command>` or,
 *   with FullTopic `%topic%/%prefix%/`, `<topic>/cmnd/<Command>`; command
 *   names are case-insensitive; `Power<n>` takes 0/off/false, 1/on/true,
 *   2/toggle; `Dimmer` 0..100; `CT` 153..500 mireds; `Color<n>` r,g,b
 *   decimals or #RRGGBB hex; `Scheme` 0..4. Numbers are whole (Tasmota reads
 *   them with strtol: "50.5" would be 50, so hearth must send whole numbers).
 * - ESPHome (components/mqtt docs; each component's "MQTT" section):
 *   `<prefix>/<component>/<object_id>/command` and the per-feature command
 *   topics; on/off words ON/OFF/TOGGLE case-insensitive; numbers parsed
 *   whole-string (`parse_number`: "2.0" is not a speed level); JSON lights
 *   take state, brightness 0..255, color {r,g,b}, color_temp, transition,
 *   effect; a button only takes PRESS; a number must lie within min..max;
 *   a select option must be one of its options exactly.
 * - Shelly Gen1 (Gen1 API docs, "MQTT"): `shellies/<id>/relay/<i>/command`
 *   on/off/toggle; `roller/<i>/command` open/close/stop and
 *   `roller/<i>/command/pos` 0..100; `light/<i>/set` JSON with turn
 *   on/off/toggle, brightness 1..100, transition 0..5000 ms.
 */

export type Verdict = { ok: true; effect: Record<string, unknown> } | { ok: false; reason: string };

const ok = (effect: Record<string, unknown>): Verdict => ({ ok: true, effect });
const no = (reason: string): Verdict => ({ ok: false, reason });
const wholeIn = (s: string, min: number, max: number): number | undefined => (/^-?\d+$/.test(s.trim()) && Number(s) >= min && Number(s) <= max ? Number(s) : undefined);
const floatOf = (s: string): number | undefined => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s) ? Number(s) : undefined);

/** Tasmota: the command and value of one `cmnd` message. */
export function acceptTasmota(topic: string, payload: string): Verdict {
  const m = /^cmnd\/[^/]+\/([^/]+)$/.exec(topic) ?? /^[^/]+\/cmnd\/([^/]+)$/.exec(topic);
  if (!m) return no(`${topic} is not a Tasmota command topic`);
  const command = m[1]!.toLowerCase();
  const p = payload.trim().toLowerCase();
  const power = /^power(\d*)$/.exec(command);
  if (power) {
    const key = `POWER${power[1] === "1" ? "" : power[1]}`;
    if (["0", "off", "false"].includes(p)) return ok({ [key]: "OFF" });
    if (["1", "on", "true"].includes(p)) return ok({ [key]: "ON" });
    if (["2", "toggle"].includes(p)) return ok({ [key]: "TOGGLE" });
    return no(`Power takes 0/off/false, 1/on/true or 2/toggle, got ${JSON.stringify(payload)}`);
  }
  if (command === "dimmer") {
    const v = wholeIn(p, 0, 100);
    return v === undefined ? no(`Dimmer takes a whole 0..100, got ${JSON.stringify(payload)}`) : ok({ Dimmer: v, POWER: v > 0 ? "ON" : "OFF" });
  }
  if (command === "ct") {
    const v = wholeIn(p, 153, 500);
    return v === undefined ? no(`CT takes whole mireds 153..500, got ${JSON.stringify(payload)}`) : ok({ CT: v });
  }
  if (/^color[1-6]?$/.test(command)) {
    const hex = /^#?([0-9a-f]{6})$/.exec(p);
    if (hex) return ok({ Color: [0, 2, 4].map((i) => Number.parseInt(hex[1]!.slice(i, i + 2), 16)).join(",") });
    const parts = p.split(",");
    if (parts.length === 3 && parts.every((x) => wholeIn(x, 0, 255) !== undefined)) return ok({ Color: parts.map((x) => Number(x)).join(",") });
    return no(`Color takes r,g,b (0..255) or #RRGGBB, got ${JSON.stringify(payload)}`);
  }
  if (command === "scheme") {
    const v = wholeIn(p, 0, 4);
    return v === undefined ? no(`Scheme takes 0..4, got ${JSON.stringify(payload)}`) : ok({ Scheme: v });
  }
  return no(`Tasmota has no command ${m[1]}`);
}

/** The device's own limits an ESPHome component enforces, from its discovery config (already expanded). */
export type EsphomeTraits = Record<string, unknown>;

/** ESPHome: one message on a component's command topic. */
export function acceptEsphome(topic: string, payload: string, traits: EsphomeTraits): Verdict {
  const m = /^[^/]+\/([a-z_]+)\/([a-z0-9_]+)\/(.+)$/.exec(topic);
  if (!m) return no(`${topic} is not an ESPHome <prefix>/<component>/<id>/... topic`);
  const [, component, , rest] = m;
  const word = payload.trim().toUpperCase();
  const onOff = (key: string) => (["ON", "OFF", "TOGGLE"].includes(word) ? ok({ [key]: word }) : no(`${component} takes ON/OFF/TOGGLE, got ${JSON.stringify(payload)}`));
  switch (`${component}/${rest}`) {
    case "switch/command":
      return onOff("state");
    case "fan/command":
      return onOff("state");
    case "fan/speed_level/command": {
      const v = wholeIn(payload, 0, Number(traits.speed_range_max ?? 100));
      return v === undefined ? no(`speed_level takes a whole 0..${traits.speed_range_max}, got ${JSON.stringify(payload)}`) : ok({ speed_level: v });
    }
    case "cover/command":
      return ["OPEN", "CLOSE", "STOP", "TOGGLE"].includes(word) ? ok({ operation: word }) : no(`cover takes OPEN/CLOSE/STOP/TOGGLE, got ${JSON.stringify(payload)}`);
    case "cover/position/command": {
      const v = floatOf(payload);
      return v === undefined || v < 0 || v > 100 ? no(`position takes 0..100, got ${JSON.stringify(payload)}`) : ok({ position: v });
    }
    case "lock/command":
      return ["LOCK", "UNLOCK", "OPEN"].includes(word) ? ok({ lock: word }) : no(`lock takes LOCK/UNLOCK/OPEN, got ${JSON.stringify(payload)}`);
    case "button/command":
      return payload === "PRESS" ? ok({ pressed: true }) : no(`button takes PRESS, got ${JSON.stringify(payload)}`);
    case "number/command": {
      const v = floatOf(payload);
      const min = Number(traits.min);
      const max = Number(traits.max);
      return v === undefined || v < min || v > max ? no(`number takes ${min}..${max}, got ${JSON.stringify(payload)}`) : ok({ value: v });
    }
    case "select/command":
      return (traits.options as string[]).includes(payload) ? ok({ option: payload }) : no(`select has no option ${JSON.stringify(payload)}`);
    case "text/command": {
      const length = [...payload].length;
      return length < Number(traits.min ?? 0) || length > Number(traits.max ?? 255) ? no(`text of ${length} characters is outside ${traits.min}..${traits.max}`) : ok({ text: payload });
    }
    case "climate/mode/command": {
      const mode = payload.trim().toLowerCase();
      return ["off", "heat_cool", "auto", "cool", "heat", "fan_only", "dry"].includes(mode) && (traits.modes as string[]).includes(mode) ? ok({ mode }) : no(`climate has no mode ${JSON.stringify(payload)}`);
    }
    case "climate/target_temperature/command": {
      const v = floatOf(payload);
      return v === undefined ? no(`target_temperature takes a number, got ${JSON.stringify(payload)}`) : ok({ target_temperature: v });
    }
    case "climate/preset/command": {
      const preset = payload.trim().toLowerCase();
      return (traits.preset_modes as string[]).includes(preset) ? ok({ preset }) : no(`climate has no preset ${JSON.stringify(payload)}`);
    }
    case "light/command":
      return esphomeLightJson(payload);
    default:
      return no(`ESPHome ${component} has no command topic .../${rest}`);
  }
}

function esphomeLightJson(payload: string): Verdict {
  let doc: unknown;
  try {
    doc = JSON.parse(payload);
  } catch {
    return no(`light command is not JSON: ${JSON.stringify(payload)}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return no("light command is not a JSON object");
  const d = doc as Record<string, unknown>;
  const effect: Record<string, unknown> = {};
  if (d.state !== undefined) {
    const s = String(d.state).toUpperCase();
    if (!["ON", "OFF", "TOGGLE"].includes(s)) return no(`light state ${JSON.stringify(d.state)}`);
    effect.state = s;
  }
  if (d.brightness !== undefined) {
    if (typeof d.brightness !== "number" || d.brightness < 0 || d.brightness > 255) return no(`brightness ${JSON.stringify(d.brightness)} is not 0..255`);
    effect.brightness = d.brightness;
  }
  if (d.color !== undefined) {
    const c = d.color as Record<string, unknown>;
    if (c === null || typeof c !== "object" || !["r", "g", "b"].every((k) => typeof c[k] === "number" && (c[k] as number) >= 0 && (c[k] as number) <= 255)) return no(`color ${JSON.stringify(d.color)} is not {r,g,b} 0..255`);
    effect.color = [c.r, c.g, c.b].join(",");
  }
  if (d.color_temp !== undefined) {
    if (typeof d.color_temp !== "number") return no(`color_temp ${JSON.stringify(d.color_temp)} is not a number`);
    effect.color_temp = d.color_temp;
  }
  if (d.transition !== undefined && typeof d.transition !== "number") return no("transition is not a number");
  return ok(effect);
}

/** Shelly Gen1: one message under `shellies/<id>/`. */
export function acceptShellyGen1(topic: string, payload: string): Verdict {
  const m = /^shellies\/[^/]+\/(relay|roller|light)\/(\d+)\/(command|command\/pos|set)$/.exec(topic);
  if (!m) return no(`${topic} is not a Shelly Gen1 command topic`);
  const [, kind, index, tail] = m;
  if (kind === "relay" && tail === "command") return ["on", "off", "toggle"].includes(payload) ? ok({ [`relay${index}`]: payload }) : no(`relay takes on/off/toggle, got ${JSON.stringify(payload)}`);
  if (kind === "roller" && tail === "command") return ["open", "close", "stop", "rc"].includes(payload) ? ok({ roller: payload }) : no(`roller takes open/close/stop, got ${JSON.stringify(payload)}`);
  if (kind === "roller" && tail === "command/pos") {
    const v = wholeIn(payload, 0, 100);
    return v === undefined ? no(`roller position takes a whole 0..100, got ${JSON.stringify(payload)}`) : ok({ pos: v });
  }
  if (kind === "light" && tail === "set") {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return no(`light/set takes JSON, got ${JSON.stringify(payload)}`);
    }
    const effect: Record<string, unknown> = {};
    if (doc.turn !== undefined) {
      if (!["on", "off", "toggle"].includes(String(doc.turn))) return no(`turn ${JSON.stringify(doc.turn)}`);
      effect.turn = doc.turn;
    }
    if (doc.brightness !== undefined) {
      if (!Number.isInteger(doc.brightness) || (doc.brightness as number) < 1 || (doc.brightness as number) > 100) return no(`brightness ${JSON.stringify(doc.brightness)} is not a whole 1..100`);
      effect.brightness = doc.brightness;
    }
    if (doc.transition !== undefined && !(Number.isInteger(doc.transition) && (doc.transition as number) >= 0 && (doc.transition as number) <= 5000)) return no(`transition ${JSON.stringify(doc.transition)}`);
    return ok(effect);
  }
  return no(`Shelly Gen1 ${kind} has no ${tail} topic`);
}
