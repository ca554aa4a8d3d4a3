import assert from "node:assert/strict";
import { test } from "node:test";
import { CONFIG_ABBREVIATIONS, expandAbbreviations } from "../../../devices/discovery/abbreviations.ts";
import { readDiscoveryMessage } from "../../../devices/discovery/message.ts";

const read = (topic: string, payload: unknown) =>
  readDiscoveryMessage(topic, Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)), "homeassistant", 65_536);

test("every abbreviation expands to a distinct full key, and the full spelling wins over an abbreviation", () => {
  assert.ok(Object.keys(CONFIG_ABBREVIATIONS).length >= 300);
  assert.equal(CONFIG_ABBREVIATIONS.cmd_t, "command_topic");
  assert.equal(CONFIG_ABBREVIATIONS.def_ent_id, "default_entity_id");
  assert.equal(CONFIG_ABBREVIATIONS.cmps, "components");
  assert.equal(CONFIG_ABBREVIATIONS.o, "origin");
  assert.deepEqual(expandAbbreviations({ cmd_t: "short", command_topic: "long" }), { command_topic: "long" });
  assert.deepEqual(
    expandAbbreviations({ dev: { ids: "x", mf: "Acme", mdl: "M", mdl_id: "M1", sw: "1", hw: "2", sa: "Kitchen", sn: "S", cu: "http://x", cns: [["mac", "aa"]] }, o: { name: "n", sw: "3", url: "u" } }),
    { device: { identifiers: "x", manufacturer: "Acme", model: "M", model_id: "M1", sw_version: "1", hw_version: "2", suggested_area: "Kitchen", serial_number: "S", configuration_url: "http://x", connections: [["mac", "aa"]] }, origin: { name: "n", sw_version: "3", support_url: "u" } },
  );
});

test("`~` is substituted at the start or end of topic values only, and in availability entries", () => {
  const m = read("homeassistant/switch/n1/o1/config", {
    "~": "base/dev", cmd_t: "~/set", stat_t: "prefix/~", json_attr_t: "mid~dle", name: "~literal", avty: [{ t: "~/avail" }], uniq_id: "u",
  });
  assert.equal(m.kind, "configs");
  if (m.kind !== "configs") return;
  const c = m.configs[0]!;
  assert.equal(c.key, "switch n1 o1");
  assert.equal(c.nodeId, "n1");
  assert.deepEqual(c.config, {
    command_topic: "base/dev/set", state_topic: "prefix/base/dev", json_attributes_topic: "mid~dle", name: "~literal",
    availability: [{ topic: "base/dev/avail" }], unique_id: "u",
  });
});

test("values are coerced as HA's schemas do, and a wrong type names its key", () => {
  const m = read("homeassistant/climate/t/config", { name: "T", mode_cmd_t: "t/mode", max_temp: "30.5", opt: "false", pl_on: 1, modes: ["heat", "off"], ret: "on" });
  assert.equal(m.kind, "configs");
  if (m.kind === "configs") assert.deepEqual(m.configs[0]!.config, { name: "T", mode_command_topic: "t/mode", max_temp: 30.5, optimistic: false, payload_on: "1", modes: ["heat", "off"], retain: true });
  assert.deepEqual(read("homeassistant/light/l/config", { cmd_t: "x", bri_scl: "lots" }), { kind: "invalid", reason: 'brightness_scale: expected an integer, got "lots"' });
  assert.deepEqual(read("homeassistant/light/l/config", { cmd_t: "x", schema: "xml" }).kind, "invalid");
  assert.deepEqual(read("homeassistant/switch/w/config", { cmd_t: "w/+/set" }), { kind: "invalid", reason: "command_topic: wildcards + and # are not allowed in a topic name" });
  assert.deepEqual(read("homeassistant/sensor/w/config", { stat_t: "w/+/state" }), { kind: "invalid", reason: "state_topic: wildcards + and # are not allowed in a topic name" });
  assert.deepEqual(read("homeassistant/sensor/s/config", { name: "no state topic" }), { kind: "invalid", reason: "state_topic: required for sensor" });
  assert.deepEqual(read("homeassistant/select/s/config", { cmd_t: "x", ops: [] }), { kind: "invalid", reason: "options: required for select" });
});

/** One field each: what HA's validator makes of a value (cv.string, cv.template, cv.boolean, vol.Coerce, cv.ensure_list). */
const ACCEPTED: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ["cv.string on a number payload", { payload_on: 1 }, { payload_on: "1" }],
  ["cv.string on a boolean payload", { payload_off: false }, { payload_off: "False" }],
  ["cv.string on a numeric name", { name: 42 }, { name: "42" }],
  ["cv.string on a numeric unique_id", { unique_id: 7 }, { unique_id: "7" }],
  ["cv.template on a number", { value_template: 5 }, { value_template: "5" }],
  ["cv.string before valid_topic", { state_topic: 123 }, { state_topic: "123" }],
  ["cv.boolean on any number", { retain: 2 }, { retain: true }],
  ["cv.boolean on a padded string", { optimistic: " Yes " }, { optimistic: true }],
  ["vol.Coerce(int) on a numeric string", { qos: "1" }, { qos: 1 }],
  ["vol.Coerce(int) truncates a float", { off_delay: 5.7 }, { off_delay: 5 }],
  ["vol.Coerce(float) on a numeric string", { max_temp: " 30.5" }, { max_temp: 30.5 }],
  ["cv.ensure_list on one value", { options: "only" }, { options: ["only"] }],
  ["cv.ensure_list with cv.string items", { options: [1, true, "x"] }, { options: ["1", "True", "x"] }],
];
const DEVICE_ACCEPTED: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ["hw_version as Zigbee2MQTT sends it", { hw_version: 1 }, { hw_version: "1" }],
  ["sw_version, model_id and serial_number numbers", { sw_version: 2.5, model_id: 3200, serial_number: 12345 }, { sw_version: "2.5", model_id: "3200", serial_number: "12345" }],
  ["one identifier, not a list", { identifiers: 99 }, { identifiers: ["99"] }],
  ["connections with a number", { connections: [["mac", 1]] }, { connections: [["mac", "1"]] }],
];
const REFUSED: [string, Record<string, unknown>, string][] = [
  ["a list where HA wants a string", { payload_on: ["ON"] }, 'payload_on: expected a string, got ["ON"]'],
  ["an object name", { name: { en: "x" } }, "name: Invalid input"],
  ["a non-numeric int", { off_delay: "soon" }, 'off_delay: expected an integer, got "soon"'],
  ["Coerce(int) refuses a fractional string", { qos: "1.5" }, 'qos: expected an integer, got "1.5"'],
  ["a word cv.boolean does not know", { retain: "maybe" }, 'retain: expected a boolean, got "maybe"'],
  ["an unknown entity_category", { entity_category: "secret" }, "entity_category: Invalid option"],
  ["a device block that is a string", { device: "box" }, "device: Invalid input"],
];

test("every field is coerced as HA's validator for it does", () => {
  for (const [why, fields, expected] of ACCEPTED) {
    const m = read("homeassistant/select/c/config", { command_topic: "c/set", options: ["a"], ...fields });
    assert.equal(m.kind, "configs", why);
    if (m.kind === "configs") for (const [k, v] of Object.entries(expected)) assert.deepEqual(m.configs[0]!.config![k], v, why);
  }
  for (const [why, device, expected] of DEVICE_ACCEPTED) {
    const m = read("homeassistant/switch/d/config", { command_topic: "d/set", device: { identifiers: ["d"], ...device } });
    assert.equal(m.kind, "configs", why);
    if (m.kind === "configs") for (const [k, v] of Object.entries(expected)) assert.deepEqual((m.configs[0]!.config!.device as Record<string, unknown>)[k], v, why);
  }
  for (const [why, fields, reason] of REFUSED) {
    const m = read("homeassistant/switch/r/config", { command_topic: "r/set", ...fields });
    assert.equal(m.kind, "invalid", why);
    if (m.kind === "invalid") assert.match(m.reason, new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`), why);
  }
});

test("a topic deeper than homeassistant.max_topic_levels is refused, naming the field", () => {
  const deep = "rep/" + "d/".repeat(201) + "x";
  const m = read("homeassistant/sensor/deep/config", { state_topic: deep });
  assert.deepEqual(m, { kind: "invalid", reason: "state_topic: topic has 203 levels, more than homeassistant.max_topic_levels (32)" });
  const limited = readDiscoveryMessage("homeassistant/switch/s/config", Buffer.from(JSON.stringify({ cmd_t: "a/b/c/d" })), "homeassistant", 65_536, { maxLevels: 3 });
  assert.deepEqual(limited, { kind: "invalid", reason: "command_topic: topic has 4 levels, more than homeassistant.max_topic_levels (3)" });
  const long = readDiscoveryMessage("homeassistant/switch/s/config", Buffer.from(JSON.stringify({ cmd_t: "x".repeat(65_536) })), "homeassistant", 200_000);
  assert.deepEqual(long, { kind: "invalid", reason: "command_topic: topic longer than 65535 bytes" });
});

test("a name longer than 255 characters is refused, naming the field; 255 is accepted", () => {
  const huge = read("homeassistant/switch/huge/config", { name: "y".repeat(60_000), cmd_t: "h/set" });
  assert.deepEqual(huge, { kind: "invalid", reason: "name: longer than 255 characters" });
  const device = read("homeassistant/switch/huge/config", { name: "ok", cmd_t: "h/set", dev: { ids: ["d1"], name: "d".repeat(256) } });
  assert.deepEqual(device, { kind: "invalid", reason: "device.name: longer than 255 characters" });
  assert.equal(read("homeassistant/switch/long/config", { name: "n".repeat(255), cmd_t: "h/set" }).kind, "configs");
});

test("single availability_topic becomes a one-entry list with the shared payloads", () => {
  const m = read("homeassistant/switch/s/config", { cmd_t: "s/set", avty_t: "s/lwt", pl_avail: "Online", pl_not_avail: "Offline", avty_tpl: "{{ value }}" });
  assert.equal(m.kind, "configs");
  if (m.kind === "configs") {
    assert.deepEqual(m.configs[0]!.config!.availability, [{ topic: "s/lwt", payload_available: "Online", payload_not_available: "Offline", value_template: "{{ value }}" }]);
  }
});

test("topics: not under the prefix or not a config topic are ignored; bad ids and unknown components are invalid; empty payload removes", () => {
  assert.deepEqual(read("tasmota/discovery/00000049A3BC/config", { dn: "Tasmota" }), { kind: "ignored" });
  assert.deepEqual(read("homeassistant/status", "online"), { kind: "ignored" });
  assert.deepEqual(read("homeassistant/light/x/state", "ON"), { kind: "ignored" });
  assert.equal(read("homeassistant/light/bad id!/config", {}).kind, "invalid");
  assert.deepEqual(read("homeassistant/update/v/config", { cmd_t: "v" }), { kind: "invalid", reason: 'unsupported component "update"', unsupported: "update" });
  assert.deepEqual(read("homeassistant/light/n/o/config", ""), {
    kind: "configs", configs: [{ key: "light n o", component: "light", nodeId: "n", objectId: "o", topic: "homeassistant/light/n/o/config", config: null }],
  });
  assert.deepEqual(read("homeassistant/device/n/d/config", ""), { kind: "device-removed", deviceKey: "n d" });
  assert.deepEqual(read("homeassistant/light/x/config", { migrate_discovery: true }), { kind: "ignored" });
});

test("device-based configs: components inherit device, origin and shared options; a platform-only component is a removal", () => {
  const m = read("homeassistant/device/hub/config", {
    dev: { ids: "hub", name: "Hub" }, o: { name: "gen" }, stat_t: "hub/state", avty_t: "hub/lwt", qos: 1,
    cmps: { a: { p: "sensor", val_tpl: "{{ value_json.a }}", uniq_id: "a" }, b: { p: "switch", cmd_t: "hub/b/set", stat_t: "hub/b", uniq_id: "b" }, c: { p: "light" } },
  });
  assert.equal(m.kind, "configs");
  if (m.kind !== "configs") return;
  assert.deepEqual(m.configs.map((c) => [c.key, c.deviceKey, c.config === null]), [["sensor hub a", "hub", false], ["switch hub b", "hub", false], ["light hub c", "hub", true]]);
  assert.deepEqual(m.configs[0]!.config, {
    value_template: "{{ value_json.a }}", unique_id: "a", device: { identifiers: ["hub"], name: "Hub" }, origin: { name: "gen" },
    availability_topic: "hub/lwt", state_topic: "hub/state", availability: [{ topic: "hub/lwt" }],
  });
  assert.equal(m.configs[1]!.config!.state_topic, "hub/b");
  // qos is not a shared option in HA.
  assert.equal(m.configs[1]!.config!.qos, undefined);
});

test("a topic the broker would refuse, or any topic with a wildcard, makes the config invalid, naming the key", () => {
  assert.deepEqual(read("homeassistant/switch/s/config", { cmd_t: "s/set", stat_t: "s/\u0000" }), { kind: "invalid", reason: "state_topic: topic holds the control character U+0000" });
  assert.deepEqual(read("homeassistant/switch/s/config", { cmd_t: "s/#" }), { kind: "invalid", reason: "command_topic: wildcards + and # are not allowed in a topic name" });
  assert.deepEqual(read("homeassistant/cover/c/config", { set_pos_t: "c/+/set" }), { kind: "invalid", reason: "set_position_topic: wildcards + and # are not allowed in a topic name" });
  // HA would subscribe a wildcard state topic; hearth refuses it, so a config cannot subscribe the agent to the whole broker.
  assert.deepEqual(read("homeassistant/sensor/s/config", { stat_t: "#" }), { kind: "invalid", reason: "state_topic: wildcards + and # are not allowed in a topic name" });
  const m = read("homeassistant/switch/s/config", { cmd_t: "s/set", avty: [{ t: "s/a#" }] });
  assert.equal(m.kind, "invalid");
  if (m.kind === "invalid") assert.match(m.reason, /^availability\.0\.topic: wildcards \+ and # are not allowed in a topic name$/);
});

test("a device config keeps its supported components when one platform is unknown (hearth's own image entity, say)", () => {
  const m = read("homeassistant/device/cam/config", {
    dev: { ids: "cam", name: "Cam box" },
    cmps: { snap: { p: "image", image_topic: "cam/snap" }, occ: { p: "binary_sensor", stat_t: "cam/occ", uniq_id: "occ" } },
  });
  assert.equal(m.kind, "configs");
  if (m.kind === "configs") assert.deepEqual(m.configs.map((c) => c.component), ["binary_sensor"]);
  assert.deepEqual(read("homeassistant/device/cam2/config", { dev: { ids: "c2" }, cmps: { snap: { p: "image", image_topic: "c/s" } } }), {
    kind: "invalid", reason: 'components.snap: unsupported platform "image"',
  });
});
