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
  assert.deepEqual(read("homeassistant/light/l/config", { cmd_t: "x", bri_scl: "lots" }), { kind: "invalid", reason: "brightness_scale: expected a number" });
  assert.deepEqual(read("homeassistant/light/l/config", { cmd_t: "x", schema: "xml" }).kind, "invalid");
  assert.deepEqual(read("homeassistant/switch/w/config", { cmd_t: "w/+/set" }), { kind: "invalid", reason: "command_topic: wildcards + and # are not allowed in a topic name" });
  assert.equal(read("homeassistant/sensor/w/config", { stat_t: "w/+/state" }).kind, "configs");
  assert.deepEqual(read("homeassistant/sensor/w/config", { stat_t: "w/#/state" }), { kind: "invalid", reason: "state_topic: wildcard # must be the last level, alone" });
  assert.deepEqual(read("homeassistant/sensor/s/config", { name: "no state topic" }), { kind: "invalid", reason: "state_topic: required for sensor" });
  assert.deepEqual(read("homeassistant/select/s/config", { cmd_t: "x", ops: [] }), { kind: "invalid", reason: "options: required for select" });
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
  assert.deepEqual(read("homeassistant/vacuum/v/config", { cmd_t: "v" }), { kind: "invalid", reason: 'unsupported component "vacuum"' });
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

test("a topic the broker would refuse makes the config invalid, naming the key (command topics may hold no wildcard)", () => {
  assert.deepEqual(read("homeassistant/switch/s/config", { cmd_t: "s/set", stat_t: "s/\u0000" }), { kind: "invalid", reason: "state_topic: topic holds the control character U+0000" });
  assert.deepEqual(read("homeassistant/switch/s/config", { cmd_t: "s/#" }), { kind: "invalid", reason: "command_topic: wildcards + and # are not allowed in a topic name" });
  assert.deepEqual(read("homeassistant/cover/c/config", { set_pos_t: "c/+/set" }), { kind: "invalid", reason: "set_position_topic: wildcards + and # are not allowed in a topic name" });
  assert.equal(read("homeassistant/sensor/s/config", { stat_t: "s/+/state" }).kind, "configs");
  const m = read("homeassistant/switch/s/config", { cmd_t: "s/set", avty: [{ t: "s/a#" }] });
  assert.equal(m.kind, "invalid");
  if (m.kind === "invalid") assert.match(m.reason, /^availability\.0\.topic: wildcard # must be the last level, alone$/);
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
