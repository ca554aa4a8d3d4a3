/**
 * Which refusals are Zigbee2MQTT's own: it advertises a command in its
 * discovery config and its own code then refuses it. Home Assistant would
 * publish the very same topic and payload (hearth's encoders reproduce HA's,
 * tested in test/devices/commands/), so hearth keeps HA's behaviour and the
 * README lists the cases. Everything else a Zigbee2MQTT refusal is counts
 * against hearth.
 *
 * A refusal is Zigbee2MQTT's only when every message went to a command topic
 * the entity's config names and every problem is one of these kinds:
 * - F07 `no converter`: the discovery config names a key (`<key>` or
 *   `<key>_<endpoint>`) the definition has no converter or Tuya datapoint for
 *   (Danfoss Icon numbers, ENGO/TECH datapoint typos, Ubisys `identify_default`);
 * - F08 `read-only`: the device's expose for that property lacks the set
 *   access bit, yet a command topic was published for it (Tuya `system_mode`);
 * - F09 `button without payload_press`: the config gives no `payload_press`,
 *   so HA (and hearth) press with HA's default `PRESS`, which the expose or
 *   converter of that key does not take;
 * - F10 `own payload refused`: the converter refuses the payload the config
 *   itself gives (`payload_press: "factory reset"` for a key that wants
 *   `factory_reset`; `payload_on: true`, which Zigbee2MQTT JSON-parses back
 *   to a boolean its converter rejects);
 * - F11 `text format`: a text entity's expose takes any string, its converter
 *   wants a format the config does not state (schedules, times, colours,
 *   pairing codes), so a user's words reach the converter intact and are
 *   refused on content, as they would be from HA;
 * - F12 `range the converter narrows`: a value within the expose's range
 *   (Stelpro/Stello outdoor temperature display: expose up to 199, converter
 *   −32..119);
 * - F13 `endpoint name the definition does not map`: the config's command
 *   topic is `<device>/<endpoint>/set` for an endpoint name (`l1`) the
 *   definition has no endpoint map for, or leaves out of it (Manhot
 *   MH03-*-OLED, Tuya multi-gang TS0601): Zigbee2MQTT answers "has no
 *   endpoint" whatever the device. A map that comes out empty only for the
 *   stand-in (Sunricher DALI) counts against the bench, not Zigbee2MQTT.
 */
import type { Entity } from "../devices/entity.ts";

const KINDS: { kind: string; test: (problem: string, entity: Entity) => boolean }[] = [
  { kind: "F07 no converter for an advertised key", test: (p) => /^No converter available for '/.test(p) || /failed: 'Error: No datapoint defined for '/.test(p) },
  { kind: "F08 read-only expose with a command topic", test: (p) => /^expose "[^"]+" is not settable/.test(p) },
  {
    kind: "F09 button without payload_press",
    test: (p, e) => e.domain === "button" && e.config?.payload_press === undefined && (/^"[^"]+": /.test(p) || /^Publish 'set' '[^']+' to '[^']+' failed: /.test(p)),
  },
  { kind: "F10 own payload refused", test: (p) => /failed: 'Error: Key '[^']+' not found in: /.test(p) || /failed: 'Error: Expected string or number, got: boolean'/.test(p) },
  { kind: "F13 endpoint name the definition does not map", test: (p) => /^Device '.*' has no endpoint '[^']*' \(the definition maps (no endpoint names|only )/.test(p) },
  // The value lies within the expose's range (the static check passed), the converter takes less.
  { kind: "F12 range the converter narrows", test: (p) => /failed: 'Error: [^']* must be between -?[\d.]+ and -?[\d.]+/.test(p) },
  { kind: "F11 text format the config does not state", test: (p, e) => e.domain === "text" && /^Publish 'set' '[^']+' to '[^']+' failed: /.test(p) },
];

/** The command topics an entity's config advertises. */
function advertisedTopics(entity: Entity): Set<string> {
  const topics = new Set<string>();
  for (const [key, value] of Object.entries(entity.config ?? {})) {
    if (typeof value === "string" && (key === "command_topic" || key.endsWith("_command_topic") || key === "set_position_topic")) topics.add(value);
  }
  return topics;
}

/**
 * The F-kind when the refusal of `messages` is Zigbee2MQTT's own (see the
 * file header), else undefined (a hearth failure).
 */
export function classifyZ2mRefusal(entity: Entity, messages: { topic: string }[], problems: string[]): string | undefined {
  const topics = advertisedTopics(entity);
  if (!messages.every((m) => topics.has(m.topic))) return undefined;
  const kinds = new Set<string>();
  for (const problem of problems) {
    const hit = KINDS.find((k) => k.test(problem, entity));
    if (!hit) return undefined;
    kinds.add(hit.kind);
  }
  return kinds.size ? [...kinds].join(" + ") : undefined;
}
