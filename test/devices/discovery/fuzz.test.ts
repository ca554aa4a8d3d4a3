/**
 * 1100 generated malformed discovery payloads (two per topic) published to a
 * running consumer: it keeps running, warns exactly once per topic, leaves the
 * good entity alone, still discovers and tracks a good device afterwards, and
 * `__proto__`/`constructor` keys pollute nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { DiscoveryConsumer, type DiscoveryWarning } from "../../../devices/discovery/consumer.ts";
import { MqttSession } from "../../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";
import { mulberry32 } from "../../helpers/prng.ts";

const skip = mosquittoAvailable() ? false : "mosquitto not installed";
const MAX_BYTES = 4096;

const GOOD_SWITCH = { name: "Plug", command_topic: "fuzz/good/set", state_topic: "fuzz/good/state", unique_id: "fuzz_good", device: { identifiers: ["fuzzgood"], name: "Good" } };

/** Generators of bad payloads; each returns bytes that the consumer must refuse. */
function generators(random: () => number): ((n: number) => Buffer)[] {
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const wrongTypes: Record<string, unknown>[] = [
    // (HA's cv.string and cv.template coerce numbers, so `name: 123` or `value_template: 5` are valid; lists and objects are not.)
    { name: {} }, { state_topic: ["a"] }, { command_topic: "" }, { command_topic: [] }, { availability: "x" }, { availability: [{ payload_available: "on" }] },
    { availability_mode: "sometimes" }, { device: "x" }, { device: { identifiers: [{}] } }, { device: { connections: "mac" } }, { qos: 7 },
    { brightness_scale: "abc" }, { schema: "weird" }, { value_template: [] }, { unique_id: {} }, { payload_on: {} }, { optimistic: "maybe" },
    { supported_color_modes: "rgb" }, { origin: "z2m" }, { max_mireds: [] },
    { command_topic: "fuzz/#" }, { state_topic: "fuzz/a#" }, { state_topic: "#/fuzz" }, { availability_topic: "a/+b" }, { command_topic: "a\u0000b" },
  ];
  return [
    // Invalid JSON.
    (n) => Buffer.from(JSON.stringify({ ...GOOD_SWITCH, name: `n${n}` }).slice(0, 5 + Math.floor(random() * 60))),
    () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join("") + "{"),
    () => Buffer.from(pick(["{", "}", "{'name': 'x'}", "{\"a\":}", "NaN", "{\"a\":1,}", "\"unterminated", "[1,2"])),
    // Valid JSON that is not an object.
    () => json(pick([[], [GOOD_SWITCH], "switch", 42, null, true])),
    // Wrong types (on an otherwise good switch config).
    () => json({ ...GOOD_SWITCH, ...pick(wrongTypes) }),
    // Oversized.
    () => json({ ...GOOD_SWITCH, name: "x".repeat(MAX_BYTES + Math.floor(random() * 20_000)) }),
    // Invalid UTF-8.
    () => Buffer.concat([Buffer.from('{"name": "'), Buffer.from([pick([0xff, 0xfe, 0xc3, 0x80, 0xed]), 0xa0, 0x80]), Buffer.from('", "command_topic": "a/b"}')]),
    // Deep nesting.
    () => {
      const depth = 40 + Math.floor(random() * 1500);
      return Buffer.from("[".repeat(depth) + "]".repeat(depth));
    },
    () => {
      const depth = 20 + Math.floor(random() * 300);
      return Buffer.from('{"name":"deep","command_topic":"a/b","device":' + '{"a":'.repeat(depth) + "1" + "}".repeat(depth) + "}");
    },
  ];
}

let broker: Mosquitto;
let publisher: MqttClient;
before(async () => {
  if (skip) return;
  broker = await Mosquitto.start();
  publisher = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "fuzzer", reconnectPeriod: 0 });
});
/** The test's session, closed here too so a failing assertion cannot leave it reconnecting and hang the suite. */
let openSession: MqttSession | undefined;
after(async () => {
  await openSession?.close();
  await publisher?.endAsync();
  await broker?.dispose();
});

async function until(condition: () => boolean, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("1100 malformed discovery payloads: one warning per topic, no crash, no pollution, good devices keep working", { skip }, async () => {
  const config = parseConfig({ mqtt: { port: broker.port }, agent: { id: "fuzz" }, homeassistant: { max_payload_bytes: MAX_BYTES } });
  const session = new MqttSession(config.mqtt, { agentId: "fuzz" });
  openSession = session;
  await session.start();
  const registry = new EntityRegistry();
  const consumer = new DiscoveryConsumer(session, registry, config);
  const warnings: DiscoveryWarning[] = [];
  consumer.on("warning", (w) => warnings.push(w));
  consumer.start();

  await publisher.publishAsync("homeassistant/switch/fuzz/good/config", JSON.stringify(GOOD_SWITCH), { qos: 1, retain: true }); // retained: consumer.start() subscribes asynchronously, and a live message could overtake the SUBSCRIBE
  await until(() => registry.get("switch.good_plug") !== undefined, "the good switch");

  const random = mulberry32(20261129);
  const makers = generators(random);
  const badTopics: string[] = [];
  let published = 0;
  const components = ["switch", "light", "sensor", "cover", "climate", "fan", "lock", "select"];
  for (let i = 0; i < 550; i++) {
    const unknown = i % 25 === 24;
    const topic = unknown ? `homeassistant/flux_capacitor/fuzz/t${i}/config` : `homeassistant/${components[i % components.length]}/fuzz/t${i}/config`;
    badTopics.push(topic);
    for (let k = 0; k < 2; k++) {
      const payload = unknown ? Buffer.from(JSON.stringify(GOOD_SWITCH)) : makers[Math.floor(random() * makers.length)]!(i);
      await publisher.publishAsync(topic, payload, { qos: 1 });
      published++;
    }
  }
  // Device-based payloads with broken component lists.
  const badDevices = [
    { dev: { ids: ["d"], name: "D" }, cmps: "none" },
    { dev: { ids: ["d"], name: "D" }, cmps: { a: { name: "no platform" } } },
    { dev: { ids: ["d"], name: "D" }, cmps: { a: { p: "teleporter", cmd_t: "x" } } },
    { cmps: { a: { p: "switch", cmd_t: "x" } } },
  ];
  for (const [i, doc] of badDevices.entries()) {
    const topic = `homeassistant/device/fuzzdev${i}/config`;
    badTopics.push(topic);
    await publisher.publishAsync(topic, JSON.stringify(doc), { qos: 1 });
    await publisher.publishAsync(topic, JSON.stringify(doc), { qos: 1 });
    published += 2;
  }
  assert.ok(published >= 1000, `${published} payloads`);

  // Prototype-pollution attempts on otherwise valid configs become plain entities.
  await publisher.publishAsync("homeassistant/switch/fuzz/proto1/config", '{"__proto__": {"polluted": "yes"}, "name": "Proto", "command_topic": "p/1", "device": {"name": "P1", "__proto__": {"polluted": "yes"}}}', { qos: 1 });
  await publisher.publishAsync("homeassistant/switch/fuzz/proto2/config", '{"constructor": {"prototype": {"polluted": "yes"}}, "name": "Proto", "command_topic": "p/2", "availability": [{"topic": "p/2/avail", "__proto__": {"x": 1}}]}', { qos: 1 });
  const isProto = (e: { config?: Record<string, unknown> }) => e.config?.command_topic === "p/1" || e.config?.command_topic === "p/2";
  await until(() => registry.all().filter(isProto).length === 2, "the two prototype configs");
  // A wrong-typed field of another platform is dropped as HA's schemas drop extra keys, so a few
  // fuzzed configs are valid entities; every other topic gets its warning.
  const accepted = new Set(registry.all().map((e) => e.source));
  assert.ok(accepted.size < 20, `${accepted.size} fuzzed configs accepted: ${[...accepted].join(", ")}`);
  // An unsupported component is warned about once, on the first topic that names it.
  const allBadTopics = [...badTopics];
  const firstUnknown = badTopics.find((t) => t.includes("/flux_capacitor/"));
  badTopics.splice(0, badTopics.length, ...badTopics.filter((t) => !accepted.has(t) && (!t.includes("/flux_capacitor/") || t === firstUnknown)));
  await until(() => warnings.length >= badTopics.length, () => `${badTopics.length} warnings, got ${warnings.length}`);
  await new Promise((r) => setTimeout(r, 300));

  // One warning per bad topic and kind of problem (a topic whose first payload breaks the guard and whose second is invalid JSON warns for each).
  const perTopic = new Map<string, number>();
  const perTopicAndKind = new Map<string, string[]>();
  for (const w of warnings) {
    perTopic.set(w.topic, (perTopic.get(w.topic) ?? 0) + 1);
    const key = `${w.kind} ${w.topic}`;
    perTopicAndKind.set(key, [...(perTopicAndKind.get(key) ?? []), w.reason]);
  }
  // The once-per-component warning names the component's prefix.
  const fuzzed = new Set([...allBadTopics, "homeassistant/flux_capacitor"]);
  for (const topic of perTopic.keys()) assert.ok(fuzzed.has(topic), `a warning for ${topic}, which was not fuzzed`);
  for (const topic of badTopics) assert.ok(perTopic.has(topic) || topic.includes("/flux_capacitor/"), `no warning for ${topic}`);
  for (const [key, reasons] of perTopicAndKind) assert.equal(reasons.length, 1, `${key}: ${reasons.join(" | ")}`);
  assert.ok(warnings.some((w) => w.reason.includes("unsupported component")));
  assert.ok(warnings.some((w) => w.reason.includes("not valid UTF-8")));
  assert.ok(warnings.some((w) => w.reason.includes("exceeds homeassistant.max_payload_bytes")));
  assert.ok(warnings.some((w) => w.reason.includes("nested")));
  assert.ok(warnings.some((w) => w.reason.startsWith("invalid JSON")));

  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  const proto = registry.all().filter((e) => e.config?.command_topic === "p/1" || e.config?.command_topic === "p/2");
  assert.equal(proto.length, 2);
  for (const e of proto) {
    assert.equal(Object.getPrototypeOf(e.config), Object.prototype);
    assert.ok(!Object.hasOwn(e.config!, "__proto__") && !Object.hasOwn(e.config!, "constructor"));
  }

  // The good switch is untouched and still tracks state; a new good device is discovered.
  assert.equal(session.state, "connected");
  await publisher.publishAsync("fuzz/good/state", "ON", { qos: 1, retain: true }); // retained for the same reason: the state subscription may still be on its way
  await until(() => registry.get("switch.good_plug")!.state === "on", "good switch state");
  await publisher.publishAsync("homeassistant/light/fuzz/after/config", JSON.stringify({ name: "After", schema: "json", command_topic: "fuzz/after/set", state_topic: "fuzz/after", brightness: true, device: { ids: ["after"], name: "Late" } }), { qos: 1 });
  await until(() => registry.get("light.late_after") !== undefined, "a device discovered after the fuzzing");
  // Its state is not retained: it reaches hearth once the broker acknowledged the new subscription.
  await session.subscribed();
  await publisher.publishAsync("fuzz/after", JSON.stringify({ state: "ON", brightness: 255 }), { qos: 1 });
  await until(() => registry.get("light.late_after")!.state === "on", "its state");
  assert.equal(registry.get("light.late_after")!.attributes.brightness, 255);

  consumer.stop();
  await session.close();
});
