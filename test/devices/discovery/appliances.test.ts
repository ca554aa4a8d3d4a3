/**
 * Discovery and state of the vacuum, lawn_mower, humidifier and water_heater
 * platforms: what HA's schemas accept and refuse, and how state messages
 * become HA state and attributes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildEntity } from "../../../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../../../devices/discovery/message.ts";
import { stateBindings } from "../../../devices/discovery/state.ts";

const read = (topic: string, payload: unknown) =>
  readDiscoveryMessage(topic, Buffer.from(JSON.stringify(payload)), "homeassistant", 65_536);

/** Discover `payload` on `<component>/x/config` and feed `messages` through its state bindings. */
function track(component: string, payload: object, messages: [string, string][]) {
  const m = read(`homeassistant/${component}/x/config`, payload);
  assert.equal(m.kind, "configs", JSON.stringify(m));
  if (m.kind !== "configs") throw new Error("unreachable");
  const discovered = m.configs[0] as ComponentConfig & { config: Record<string, unknown> };
  const built = buildEntity(discovered, { taken: () => false, overrides: {} });
  const entity = built.entity;
  for (const [topic, body] of messages) {
    for (const b of stateBindings(discovered.component, discovered.config, built.templates).filter((b) => b.topic === topic)) {
      const update = b.read(body, { state: entity.state, attributes: entity.attributes });
      if (update?.state !== undefined) entity.state = update.state;
      if (update?.attributes) Object.assign(entity.attributes, update.attributes);
    }
  }
  return entity;
}

test("vacuum: abbreviated state-schema config is commandable; JSON state gives state, fan speed and a clamped battery", () => {
  const e = track("vacuum", {
    name: "Rover", uniq_id: "rover", cmd_t: "rover/cmd", stat_t: "rover/state", pl_strt: "go", sup_feat: ["start", "return_home", "fan_speed"], fanspd_lst: ["quiet", "max"], schema: "state",
  }, [["rover/state", '{"state":"cleaning","fan_speed":"max","battery_level":130}']]);
  assert.equal(e.id, "vacuum.rover");
  assert.equal(e.readOnly, false, e.readOnlyReason);
  assert.equal(e.config?.payload_start, "go");
  assert.equal("schema" in (e.config ?? {}), false, "the deprecated schema option is dropped");
  assert.equal(e.state, "cleaning");
  assert.deepEqual([e.attributes.fan_speed, e.attributes.battery_level, e.attributes.fan_speed_list], ["max", 100, ["quiet", "max"]]);
  assert.equal(track("vacuum", { cmd_t: "v/c", stat_t: "v/s" }, [["v/s", '{"state":"vacuuming"}']]).state, undefined, "a state HA does not know is ignored");
  assert.equal(track("vacuum", { cmd_t: "v/c", stat_t: "v/s" }, [["v/s", '{"state":"docked"}'], ["v/s", '{"state":null}']]).state, "unknown");
});

test("vacuum: the legacy schema and unknown features are refused naming the field; no command_topic is read-only", () => {
  assert.deepEqual(read("homeassistant/vacuum/v/config", { cmd_t: "v/c", schema: "Legacy" }), {
    kind: "invalid", reason: "schema: the legacy MQTT vacuum schema is no longer supported (Home Assistant removed it in 2024.2); use the state schema",
  });
  assert.deepEqual(read("homeassistant/vacuum/v/config", { cmd_t: "v/c", sup_feat: ["start", "turbo"] }), { kind: "invalid", reason: 'supported_features: unknown vacuum feature "turbo"' });
  const stateOnly = track("vacuum", { stat_t: "v/s" }, []);
  assert.equal(stateOnly.readOnly, true);
  assert.equal(stateOnly.readOnlyReason, "no command topic");
});

test("lawn mower: the activity (through its template), 'none' resets it, other words are ignored", () => {
  const payload = { name: "Mowbot", start_mowing_command_topic: "m/start", dock_command_topic: "m/dock", act_stat_t: "m/state", act_val_tpl: "{{ value_json.activity }}" };
  const e = track("lawn_mower", payload, [["m/state", '{"activity":"mowing"}']]);
  assert.equal(e.readOnly, false, e.readOnlyReason);
  assert.equal(e.state, "mowing");
  assert.equal(track("lawn_mower", payload, [["m/state", '{"activity":"mowing"}'], ["m/state", '{"activity":"flying"}']]).state, "mowing");
  assert.equal(track("lawn_mower", payload, [["m/state", '{"activity":"docked"}'], ["m/state", '{"activity":"None"}']]).state, "unknown");
  assert.equal(track("lawn_mower", { act_stat_t: "m/state" }, []).readOnlyReason, "no command topic");
});

test("humidifier: HA's required target topic and range; on/off, target and current humidity, mode, action", () => {
  assert.deepEqual(read("homeassistant/humidifier/h/config", { cmd_t: "h/set" }), { kind: "invalid", reason: "target_humidity_command_topic: required for humidifier" });
  assert.deepEqual(read("homeassistant/humidifier/h/config", { cmd_t: "h/set", hum_cmd_t: "h/t", min_hum: 60, max_hum: 40 }), { kind: "invalid", reason: "max_humidity: must be above min_humidity (60 >= 40)" });
  assert.deepEqual(read("homeassistant/humidifier/h/config", { cmd_t: "h/set", hum_cmd_t: "h/t", modes: ["eco"] }), { kind: "invalid", reason: "mode_command_topic: required with modes" });
  const e = track("humidifier", {
    name: "Bedroom Humidifier", cmd_t: "h/set", stat_t: "h/state", hum_cmd_t: "h/t", hum_stat_t: "h/t/state", min_hum: "30", max_hum: 80, curr_hum_t: "h/cur",
    mode_cmd_t: "h/mode", mode_stat_t: "h/mode/state", modes: ["eco", "boost"], act_t: "h/action",
  }, [["h/state", "ON"], ["h/t/state", "45.6"], ["h/cur", "38"], ["h/mode/state", "boost"], ["h/action", "humidifying"], ["h/t/state", "95"], ["h/mode/state", "turbo"]]);
  assert.equal(e.state, "on");
  assert.deepEqual([e.attributes.humidity, e.attributes.current_humidity, e.attributes.mode, e.attributes.action], [46, 38, "boost", "humidifying"], "out-of-range targets and unknown modes are ignored");
  assert.deepEqual([e.attributes.min_humidity, e.attributes.max_humidity, e.attributes.available_modes], [30, 80, ["eco", "boost"]]);
});

test("water heater: the operation mode is the state; value_template stands in for the missing templates", () => {
  const e = track("water_heater", {
    name: "Tank", temp_cmd_t: "wh/temp/set", temp_stat_t: "wh/state", mode_cmd_t: "wh/mode/set", mode_stat_t: "wh/state", curr_temp_t: "wh/state",
    val_tpl: "{{ value_json.v }}", mode_stat_tpl: "{{ value_json.mode }}", modes: ["eco", "performance", "off"],
  }, [["wh/state", '{"v": 52.5, "mode": "performance"}']]);
  assert.equal(e.readOnly, false, e.readOnlyReason);
  assert.equal(e.state, "performance");
  assert.deepEqual([e.attributes.temperature, e.attributes.current_temperature, e.attributes.operation_list], [52.5, 52.5, ["eco", "performance", "off"]]);
  assert.equal(track("water_heater", { mode_cmd_t: "m", mode_stat_t: "s" }, [["s", "gas"]]).state, "gas", "HA's default operation list");
  assert.equal(track("water_heater", { mode_cmd_t: "m", mode_stat_t: "s" }, [["s", "boost"]]).state, undefined);
});
