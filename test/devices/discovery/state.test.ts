import assert from "node:assert/strict";
import { test } from "node:test";
import { AvailabilityTracker } from "../../../devices/discovery/availability.ts";
import { buildEntity } from "../../../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../../../devices/discovery/message.ts";
import { slugify, uniqueEntityId } from "../../../devices/discovery/naming.ts";
import { stateBindings } from "../../../devices/discovery/state.ts";
import { compileTemplate } from "../../../devices/template.ts";

/** Discover `payload` on `<component>/x/config` and feed `messages` (topic → payload) through its state bindings. */
function track(component: string, payload: object, messages: [string, string][]) {
  const m = readDiscoveryMessage(`homeassistant/${component}/x/config`, Buffer.from(JSON.stringify(payload)), "homeassistant", 65_536);
  assert.equal(m.kind, "configs", JSON.stringify(m));
  if (m.kind !== "configs") throw new Error("unreachable");
  const built = buildEntity(m.configs[0] as ComponentConfig & { config: Record<string, unknown> }, { taken: () => false, overrides: {} });
  const bindings = stateBindings(m.configs[0]!.component, m.configs[0]!.config!, built.templates);
  const entity = built.entity;
  for (const [topic, body] of messages) {
    for (const b of bindings.filter((b) => b.topic === topic)) {
      const update = b.read(body, { state: entity.state, attributes: entity.attributes });
      if (update?.state !== undefined) entity.state = update.state;
      if (update?.attributes) Object.assign(entity.attributes, update.attributes);
    }
  }
  return entity;
}

test("default-schema light: on/off with custom payloads, brightness scale, mireds, rgb", () => {
  const e = track("light", {
    name: "L", cmd_t: "l/set", stat_t: "l/state", pl_on: "1", pl_off: "0", bri_stat_t: "l/bri", bri_scl: 100, clr_temp_stat_t: "l/ct", rgb_stat_t: "l/rgb",
  }, [["l/state", "1"], ["l/bri", "50"], ["l/ct", "250"], ["l/rgb", "255,128,0"]]);
  assert.equal(e.state, "on");
  assert.deepEqual([e.attributes.brightness, e.attributes.color_temp_kelvin, e.attributes.rgb_color], [128, 4000, [255, 128, 0]]);
  assert.equal(track("light", { cmd_t: "l/set", stat_t: "l/state" }, [["l/state", "OFF"]]).state, "off");
});

test("default-schema light: value_template stands in for every missing *_value_template (Tasmota's val_tpl)", () => {
  const e = track("light", {
    "~": "tasmota_4C11AE/", cmd_t: "~cmnd/POWER", stat_t: "~tele/STATE", val_tpl: "{{value_json.POWER}}",
    bri_stat_t: "~tele/STATE", bri_val_tpl: "{{value_json.Dimmer}}", bri_scl: 100,
  }, [["tasmota_4C11AE/tele/STATE", '{"POWER":"ON","Dimmer":40}']]);
  assert.equal(e.state, "on");
  assert.equal(e.attributes.brightness, 102);
});

test("template-schema light reads state, brightness and colour through its templates", () => {
  const e = track("light", {
    schema: "template", cmd_t: "l/set", command_on_template: "on", command_off_template: "off", stat_t: "l/s",
    state_template: "{{ value.split(',')[0] }}", brightness_template: "{{ value.split(',')[1] }}",
    red_template: "{{ value.split(',')[2] }}", green_template: "{{ value.split(',')[3] }}", blue_template: "{{ value.split(',')[4] }}",
  }, [["l/s", "on,200,10,20,30"]]);
  assert.equal(e.state, "on");
  assert.equal(e.readOnly, false);
  assert.deepEqual([e.attributes.brightness, e.attributes.rgb_color], [200, [10, 20, 30]]);
});

test("cover without a state topic takes open/closed from its position; stopped keeps the position's state", () => {
  const e = track("cover", { cmd_t: "c/set", pos_t: "c/pos", pos_open: 255, pos_clsd: 0 }, [["c/pos", "0"]]);
  assert.deepEqual([e.state, e.attributes.current_position], ["closed", 0]);
  const f = track("cover", { cmd_t: "c/set", stat_t: "c/state", pos_t: "c/pos" }, [["c/state", "opening"], ["c/pos", "30"], ["c/state", "stopped"]]);
  assert.deepEqual([f.state, f.attributes.current_position], ["open", 30]);
});

test("lock, valve, number, select, alarm panel, text, sensor, binary_sensor and event states", () => {
  assert.equal(track("lock", { cmd_t: "k/set", stat_t: "k/s" }, [["k/s", "UNLOCKED"]]).state, "unlocked");
  assert.equal(track("lock", { cmd_t: "k/set", stat_t: "k/s", stat_locked: "closed" }, [["k/s", "closed"]]).state, "locked");
  assert.equal(track("valve", { cmd_t: "v/set", stat_t: "v/s" }, [["v/s", "closing"]]).state, "closing");
  const valve = track("valve", { cmd_t: "v/set", stat_t: "v/s", pos: true }, [["v/s", "0"]]);
  assert.deepEqual([valve.state, valve.attributes.current_position], ["closed", 0]);
  assert.equal(track("number", { cmd_t: "n/set", stat_t: "n/s", min: 0, max: 10 }, [["n/s", "7.5"], ["n/s", "abc"]]).state, "7.5");
  assert.equal(track("select", { cmd_t: "s/set", stat_t: "s/s", ops: ["a", "b"] }, [["s/s", "b"], ["s/s", "zzz"]]).state, "b");
  assert.equal(track("alarm_control_panel", { cmd_t: "a/set", stat_t: "a/s" }, [["a/s", "armed_away"], ["a/s", "bogus"]]).state, "armed_away");
  assert.equal(track("text", { cmd_t: "t/set", stat_t: "t/s" }, [["t/s", "hello"]]).state, "hello");
  const power = track("sensor", { stat_t: "p", val_tpl: "{{ value | float | round(1) }}", unit_of_meas: "W", json_attr_t: "p/attr" }, [["p", "12.345"], ["p/attr", '{"voltage": 230, "unit_of_measurement": "V", "__proto__": {"x": 1}}']]);
  assert.deepEqual([power.state, power.attributes.unit_of_measurement, power.attributes.voltage], ["12.3", "W", 230]);
  assert.equal(track("binary_sensor", { stat_t: "b", pl_on: "open", pl_off: "shut" }, [["b", "shut"]]).state, "off");
  const event = track("event", { stat_t: "e", evt_typ: ["press"] }, [["e", '{"event_type": "press", "button": 2}']]);
  assert.deepEqual([event.attributes.event_type, event.attributes.button], ["press", 2]);
  assert.match(event.state!, /^\d{4}-\d\d-\d\dT/);
});

test("availability modes: latest, all, any (unknown counts as available)", () => {
  const entries = [{ topic: "a", payloadAvailable: "online", payloadNotAvailable: "offline" }, { topic: "b", payloadAvailable: "up", payloadNotAvailable: "down" }];
  const latest = new AvailabilityTracker(entries, "latest");
  assert.equal(latest.available, true);
  assert.equal(latest.receive(0, "offline"), false);
  assert.equal(latest.receive(1, "up"), true);
  assert.equal(latest.receive(1, "sideways"), true);
  const all = new AvailabilityTracker(entries, "all");
  assert.equal(all.receive(0, "online"), true);
  assert.equal(all.receive(1, "down"), false);
  assert.equal(all.receive(1, "up"), true);
  const any = new AvailabilityTracker(entries, "any");
  assert.equal(any.receive(0, "offline"), false);
  assert.equal(any.receive(1, "up"), true);
  const templated = new AvailabilityTracker([{ topic: "z", payloadAvailable: "online", payloadNotAvailable: "offline", template: compileTemplate("{{ value_json.state }}") }], "latest");
  assert.equal(templated.receive(0, '{"state":"offline"}'), false);
});

test("HA slugify and unique entity ids", () => {
  assert.equal(slugify("Küche Deckenlicht"), "kuche_deckenlicht");
  assert.equal(slugify("c3-debug-7b55e0_pressure_voltage"), "c3_debug_7b55e0_pressure_voltage");
  assert.equal(slugify("!!!"), "unknown");
  const taken = new Set(["light.x", "light.x_2"]);
  assert.equal(uniqueEntityId("light", "x", (id) => taken.has(id)), "light.x_3");
});
