/**
 * Generated malformed MQTT discovery traffic for robustness tests, derived
 * from the real discovery messages (mutated, truncated, corrupted) plus
 * hand-picked hostile shapes: invalid JSON, wrong types, huge strings,
 * invalid UTF-8, deep nesting, prototype keys, wrong topics, templates that
 * fail or run away, topics a broker refuses, and junk state messages.
 * Deterministic for a given seed (mulberry32).
 */
import type { RealDiscovery } from "./e2e-home.ts";
import { mulberry32 } from "./prng.ts";

export interface JunkMessage {
  /** What kind of junk, for reports. */
  kind: string;
  topic: string;
  payload: Buffer;
  retain: boolean;
}

const WRONG_VALUES: unknown[] = [
  42, -1, 0, 1e308, -1e308, 3.5, true, false, null, "", " ", "x", "#", "+/+", "a/#/b", "bad\u0000topic",
  [], [1, [2, [3]]], ["a", 1, null], {}, { a: 1 }, { topic: 5 }, "\u202e\ufeff\ud83d\ude00", "x".repeat(300),
];

const COMPONENTS = ["light", "switch", "fan", "cover", "climate", "lock", "scene", "button", "valve", "number", "select", "sensor", "binary_sensor", "event", "alarm_control_panel", "text"];

/** Templates that do not compile, fail when rendered, or try to run away (Jinja's sandbox caps range() at 100 000). */
const BAD_TEMPLATES = [
  "{{ value_json.state ", "{% if %}", "{{ value | no_such_filter }}", "{{ value_json.a.b.c.d }}", "{{ 1 / 0 }}",
  "{{ value_json['x'] | int | round(2) | float }}", "{% for i in range(0, 100000000) %}x{% endfor %}",
  "{{ range(0, 100000000) | length }}", "{{ 'x' * 100000000 }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
  "{{ value_json.__proto__ }}", "{{ value_json.constructor.constructor('return process')().exit(3) }}",
  "{{ (value_json | from_json) }}", "{{ '%d' | format('not a number') }}", "{% set x = x + 1 %}{{ x }}",
];

/** `depth` nested arrays or objects around a small value. */
function nested(depth: number, object: boolean): string {
  return object ? '{"a":'.repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "1" + "]".repeat(depth);
}

/**
 * At least `count` junk messages under `prefix` (default `homeassistant`),
 * never on `protectedTopics` except as unusable payloads (invalid JSON or
 * UTF-8, oversized), which must not replace the entity they would update.
 */
export function generateMalformedDiscovery(real: RealDiscovery[], count: number, options: { seed?: number; protectedTopics?: string[] } = {}): JunkMessage[] {
  const random = mulberry32(options.seed ?? 20261129);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (n: number) => Math.floor(random() * n);
  const out: JunkMessage[] = [];
  let n = 0;
  const junkTopic = (component = pick(COMPONENTS)) => `homeassistant/${component}/junk_${n++}/config`;
  const add = (kind: string, topic: string, payload: string | Buffer, retain = random() < 0.5) =>
    out.push({ kind, topic, payload: typeof payload === "string" ? Buffer.from(payload, "utf8") : payload, retain });
  const realObject = () => {
    const m = pick(real);
    return { component: m.topic.split("/")[1]!, config: JSON.parse(m.payload) as Record<string, unknown> };
  };

  while (out.length < count) {
    // Invalid JSON: truncated real payloads and junk text.
    for (let i = 0; i < 12; i++) {
      const m = pick(real);
      add("invalid-json", junkTopic(m.topic.split("/")[1]), m.payload.slice(0, 1 + int(m.payload.length - 2)));
    }
    for (const text of ["{", "}", "[", "nul", "NaN", "undefined", "{'name': 'x'}", '{"name": "x",}', '{"name": "x" "y"}', "\u0000", "{}}", "1e999999"]) {
      add("invalid-json", junkTopic(), text);
    }
    // Not an object: valid JSON of another type.
    for (const text of ["null", "true", "42", '"a string"', "[]", '[{"name":"x"}]']) add("not-object", junkTopic(), text);

    // Wrong types: a real payload with one key's value replaced.
    for (let i = 0; i < 25; i++) {
      const { component, config } = realObject();
      const keys = Object.keys(config);
      const key = random() < 0.15 ? pick(["device", "dev", "availability", "avty", "~", "cmps", "origin", "o"]) : pick(keys);
      config[key] = pick(WRONG_VALUES);
      add("wrong-type", junkTopic(component), JSON.stringify(config));
    }

    // Topics a broker refuses or that are not topics: subscribing or publishing to them must not cost the session.
    for (const bad of ["bad\u0000topic", "ctl\u0001topic", "a/#/b", "#", "+", "x".repeat(60_000)]) {
      const { component, config } = realObject();
      config[pick(["state_topic", "command_topic", "availability_topic", "json_attributes_topic"])] = bad;
      add("bad-topic-value", junkTopic(component), JSON.stringify(config));
    }

    // Huge strings: oversized payloads, and large ones just under the limit.
    add("huge", junkTopic("switch"), JSON.stringify({ name: "x".repeat(70_000), command_topic: "junk/huge/set" }));
    add("huge", junkTopic("switch"), JSON.stringify({ name: "big " + "y".repeat(60_000), command_topic: "junk/huge/set" }));
    add("huge", junkTopic("light"), JSON.stringify({ name: "many effects", command_topic: "junk/effects/set", effect_list: Array.from({ length: 6000 }, (_, i) => `e${i}`) }));
    if (int(10) === 0) add("huge", junkTopic("sensor"), Buffer.alloc(1_000_000, 0x7b));

    // Invalid UTF-8, inside otherwise valid JSON.
    for (const bytes of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xff]]) {
      const m = pick(real);
      const raw = Buffer.from(m.payload, "utf8");
      const at = 1 + int(raw.length - 2);
      add("invalid-utf8", junkTopic(m.topic.split("/")[1]), Buffer.concat([raw.subarray(0, at), Buffer.from(bytes), raw.subarray(at)]));
    }

    // Deep nesting, at the top level and inside the device block.
    add("deep", junkTopic(), nested(17 + int(5000), random() < 0.5));
    add("deep", junkTopic("switch"), `{"name":"deep","command_topic":"junk/deep/set","device":${nested(20 + int(100), true)}}`);
    add("deep", junkTopic("light"), `{"name":"deep avty","command_topic":"junk/deep/set","availability":${nested(30, false)}}`);

    // Prototype keys.
    add("proto", junkTopic("switch"), '{"__proto__":{"command_topic":"junk/proto/set","name":"polluted"},"name":"proto 1","command_topic":"junk/p1/set"}');
    add("proto", junkTopic("switch"), '{"constructor":{"prototype":{"readOnly":false,"polluted":true}},"name":"proto 2","command_topic":"junk/p2/set"}');
    add("proto", junkTopic("light"), '{"name":"proto 3","command_topic":"junk/p3/set","device":{"__proto__":{"suggested_area":"Kitchen"},"ids":["p3"],"name":"p3"}}');
    add("proto", `homeassistant/device/junk_${n++}/config`, '{"dev":{"ids":["p4"],"name":"p4"},"o":{"name":"x"},"cmps":{"__proto__":{"p":"switch","cmd_t":"junk/p4/set"},"constructor":{"p":"light","cmd_t":"junk/p4b/set"}}}');
    add("proto", junkTopic("switch"), '{"~":"__proto__","name":"proto 5","cmd_t":"~/set","stat_t":"~"}');

    // Wrong topics: not discovery config topics, unsupported components, ids HA refuses.
    for (const topic of [
      "homeassistant/config", "homeassistant/light/config", `homeassistant/light/a/b/c/${n++}/config`, `homeassistant/toaster/junk_${n++}/config`,
      `homeassistant/light/bad id ${n++}/config`, `homeassistant/light/ünï_${n++}/config`, `homeassistant/light/junk.${n++}/config`,
      `homeassistant//junk_${n++}/config`, `homeassistant/light//config`, `homeassistant/light/junk_${n++}/configure`,
      `homeassistant/light/junk_${n++}/config/extra`, "homeassistant/device/config", `homeassistant/device/junk_${n++}/config`,
    ]) {
      add("wrong-topic", topic, JSON.stringify({ name: "wrong topic", command_topic: "junk/wrong/set" }));
    }

    // Device-based configs with broken components.
    const cmps = [
      "5", "[]", '{"a":5}', '{"a":{"p":5}}', '{"a":{"p":"toaster"}}', '{"a":{"p":"light","cmd_t":5}}', '{"a":{"platform":"switch"}}',
      JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`c${i}`, { p: pick(COMPONENTS), name: `component ${i}`, cmd_t: `junk/dev/${i}` }]))),
    ];
    for (const c of cmps) add("device-junk", `homeassistant/device/junk_${n++}/config`, `{"dev":{"ids":["d${n}"],"name":"junk device ${n}"},"o":{"name":"fuzz"},"cmps":${c}}`);
    add("device-junk", `homeassistant/device/junk_${n++}/config`, '{"cmps":{"a":{"p":"switch","cmd_t":"x"}}}');

    // Templates that do not compile, fail at render time, or run away; each entity gets a state message.
    for (let i = 0; i < 4; i++) {
      const template = pick(BAD_TEMPLATES);
      const state = `junk/template/${n}`;
      add("template", junkTopic("switch"), JSON.stringify({ name: `template ${n}`, command_topic: `${state}/set`, state_topic: state, value_template: template, command_template: template }), false);
      // Retained, so it reaches the entity once hearth subscribes to its state topic.
      add("template-state", state, random() < 0.5 ? '{"state":"ON","a":{"b":1}}' : "ON", true);
    }

    // Deletions of configs that never existed.
    add("empty", junkTopic(), "", true);
  }
  return out.filter((m) => !(options.protectedTopics ?? []).includes(m.topic));
}

/**
 * Unusable payloads on the real devices' own discovery topics: each must be
 * skipped, keeping the entity as it was (HA keeps an entity whose update fails).
 */
export function unusableUpdates(topics: string[]): JunkMessage[] {
  const out: JunkMessage[] = [];
  for (const topic of topics) {
    out.push({ kind: "update-invalid-json", topic, payload: Buffer.from('{"name": "replaced", "command_topic":'), retain: false });
    out.push({ kind: "update-invalid-utf8", topic, payload: Buffer.from([0x7b, 0xff, 0x7d]), retain: false });
    out.push({ kind: "update-oversized", topic, payload: Buffer.from(JSON.stringify({ name: "z".repeat(70_000) })), retain: false });
    out.push({ kind: "update-deep", topic, payload: Buffer.from(nested(1000, true)), retain: false });
  }
  return out;
}
