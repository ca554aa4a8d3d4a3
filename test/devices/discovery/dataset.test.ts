/**
 * Every real discovery payload in ../shared/data/mqtt-discovery, read as HA
 * would: expectations written by reading each payload.
 *
 * Tasmota *native* discovery (`tasmota/discovery/<mac>/config`, files 05 and
 * 19) is consumed by HA's tasmota integration, not by generic MQTT discovery;
 * it is not under the discovery prefix, so hearth ignores it (skipped, no
 * warning). Tasmota's legacy SetOption19 payload (06) IS HA discovery.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { buildEntity } from "../../../devices/discovery/entity-builder.ts";
import { readDiscoveryMessage, type ComponentConfig } from "../../../devices/discovery/message.ts";

const dir = fileURLToPath(new URL("../../../../shared/data/mqtt-discovery/", import.meta.url));
const present = existsSync(dir);

interface Expectation {
  id?: string;
  name?: string;
  command?: string;
  readOnly?: string;
  /** Expanded config fields that fix the payload format. */
  config?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  ignored?: true;
}

const EXPECTED: Record<string, Expectation> = {
  "01": {
    id: "sensor.0x04cf8cdf3c763c2b_0x04cf8cdf3c763c2b_temperature",
    name: "0x04cf8cdf3c763c2b 0x04cf8cdf3c763c2b_temperature",
    readOnly: "state-only component",
    config: { state_topic: "zigbee2mqtt/0x04cf8cdf3c763c2b", value_template: "{{ value_json.temperature }}", availability: [{ topic: "zigbee2mqtt/bridge/state" }] },
    attributes: { unit_of_measurement: "°C", device_class: "temperature" },
  },
  "02": {
    id: "sensor.0x14b457fffe7b2878_0x14b457fffe7b2878_action",
    name: "0x14b457fffe7b2878 0x14b457fffe7b2878_action",
    readOnly: "state-only component",
    config: { value_template: "{{ value_json.action }}" },
  },
  "03": {
    id: "binary_sensor.home_door_home_door_contact",
    name: "home_door home_door_contact",
    readOnly: "state-only component",
    // HA's cv.string turns the JSON booleans into Python's spelling.
    config: { payload_on: "False", payload_off: "True", device_class: "door", device: { identifiers: ["zigbee2mqtt_0x00158d0001fd5504"], name: "home_door", sw_version: "Zigbee2mqtt 1.0.1", model: "Aqara door & window contact sensor (MCCGQ11LM)", manufacturer: "Xiaomi" } },
  },
  "04": {
    id: "sensor.nas_temperatuur1_humidity",
    name: "NAS_Temperatuur1 Humidity",
    readOnly: "state-only component",
    config: { availability_mode: "all", availability: [{ topic: "zigbee2mqtt/bridge/state" }, { topic: "zigbee2mqtt/NAS_Temperatuur1/availability" }], origin: { name: "Zigbee2MQTT", sw_version: "1.33.2", support_url: "https://www.zigbee2mqtt.io" } },
    attributes: { unit_of_measurement: "%", state_class: "measurement" },
  },
  "05": { ignored: true },
  "06": {
    id: "sensor.pswitch06_energy_yesterday",
    name: "pswitch06 ENERGY Yesterday",
    readOnly: "state-only component",
    config: {
      state_topic: "sonoff126/tele/SENSOR", availability_topic: "sonoff126/tele/LWT", payload_available: "Online", payload_not_available: "Offline",
      availability: [{ topic: "sonoff126/tele/LWT", payload_available: "Online", payload_not_available: "Offline" }],
      unique_id: "04504D_ENERGY_Yesterday", device: { identifiers: ["04504D"] }, unit_of_measurement: "kWh", device_class: "power", force_update: true,
      value_template: "{{value_json['ENERGY']['Yesterday']}}",
    },
  },
  "07": {
    id: "switch.shelly_1_40f52000cc66_relay_0",
    name: "Shelly 1 40F52000CC66 Relay 0",
    command: "shellies/shelly1-40F52000CC66/relay/0/command",
    config: {
      state_topic: "shellies/shelly1-40F52000CC66/relay/0", payload_on: "on", payload_off: "off",
      availability: [{ topic: "shellies/shelly1-40F52000CC66/online", payload_available: "true", payload_not_available: "false" }],
      qos: 0,
      device: { connections: [["mac", "40:f5:20:00:cc:66"]], name: "Shelly 1 40F52000CC66", model: "Shelly 1", sw_version: "20220209-092750/v1.11.8-g8c7bb8d", manufacturer: "Allterco Robotics", configuration_url: "http://192.168.49.191/" },
    },
  },
  "08": {
    id: "sensor.shelly_1pm_study_power_0",
    name: "Shelly 1PM study Power 0",
    readOnly: "state-only component",
    config: { state_topic: "shellies/1pm-study/relay/0/power", force_update: false, enabled_by_default: true, value_template: "{{value|float|round(1)}}", state_class: "measurement" },
  },
  "09": {
    id: "sensor.shelly_i3_c45bbe5f7fc4_ssid",
    name: "Shelly i3 C45BBE5F7FC4 SSID",
    readOnly: "state-only component",
    config: {
      state_topic: "shellies/shellyix3-C45BBE5F7FC4/info", entity_category: "diagnostic", enabled_by_default: false,
      origin: { name: "Shellies Discovery", sw_version: "5.0.0", support_url: "https://github.com/bieniu/ha-shellies-discovery" },
      availability: [
        { topic: "shellies/shellyix3-C45BBE5F7FC4/online", payload_available: "true", payload_not_available: "false" },
        { topic: "shellies/shellyix3-C45BBE5F7FC4/info", value_template: "{%if value_json.mqtt.connected%}online{%else%}offline{%endif%}" },
      ],
    },
  },
  "10": {
    id: "sensor.c3_debug_7b55e0_pressure_voltage",
    name: "c3-debug-7b55e0 Pressure voltage",
    readOnly: "state-only component",
    config: { state_topic: "c3-debug/sensor/pressure_voltage/state", device: { identifiers: ["6055f97b55e0"], name: "c3-debug-7b55e0", sw_version: "esphome v2023.6.2 Jun 28 2023, 07:57:41", model: "airm2m_core_esp32c3", manufacturer: "espressif" } },
  },
  "11": {
    id: "light.bulb",
    name: "bulb",
    command: "zigbee2mqtt/bulb/set",
    config: { schema: "json", brightness: true, brightness_scale: 254, supported_color_modes: ["color_temp"], min_mireds: 250, max_mireds: 454, state_topic: "zigbee2mqtt/bulb" },
    attributes: { supported_color_modes: ["color_temp"], min_color_temp_kelvin: 2203, max_color_temp_kelvin: 4000 },
  },
  "12": {
    id: "switch.wall_switch_double_left",
    name: "wall_switch_double Left",
    command: "zigbee2mqtt/wall_switch_double/left/set",
    config: { payload_on: "ON", payload_off: "OFF", state_topic: "zigbee2mqtt/wall_switch_double", value_template: '{{ value_json["state_left"] }}' },
  },
  "13": {
    id: "sensor.weather_sensor_temperature",
    name: "weather_sensor Temperature",
    readOnly: "state-only component",
    config: { state_topic: "zigbee2mqtt/weather_sensor", availability: [{ topic: "zigbee2mqtt/bridge/state", value_template: "{{ value_json.state }}" }] },
  },
  "14": {
    id: "climate.ts0601_thermostat",
    name: "TS0601_thermostat",
    config: {
      mode_command_topic: "zigbee2mqtt/TS0601_thermostat/set/system_mode", modes: ["heat", "auto", "off"],
      temperature_command_topic: "zigbee2mqtt/TS0601_thermostat/set/current_heating_setpoint",
      preset_mode_command_topic: "zigbee2mqtt/TS0601_thermostat/set/preset", max_temp: 35, min_temp: 5, temp_step: 0.5, temperature_unit: "C",
    },
    attributes: { hvac_modes: ["heat", "auto", "off"], min_temp: 5, max_temp: 35, target_temp_step: 0.5 },
  },
  "15": {
    id: "cover.smart_vent",
    name: "smart vent",
    command: "zigbee2mqtt/smart vent/set",
    config: { set_position_topic: "zigbee2mqtt/smart vent/set", set_position_template: '{ "position": {{ position }} }', state_open: "OPEN", state_closed: "CLOSE", state_stopped: "STOP", position_topic: "zigbee2mqtt/smart vent" },
  },
  "16": {
    id: "fan.fan",
    name: "fan",
    command: "zigbee2mqtt/fan/set/fan_state",
    // Its templates use a dict literal with number keys ({0:'off', ...}), which devices/template.ts accepts.
    config: { percentage_command_topic: "zigbee2mqtt/fan/set/fan_mode", preset_mode_command_topic: "zigbee2mqtt/fan/set/fan_mode", preset_modes: ["smart"], speed_range_min: 1, speed_range_max: 4 },
  },
  "17": {
    id: "event.button_action",
    name: "button Action",
    readOnly: "state-only component",
    config: { state_topic: "zigbee2mqtt/button", event_types: ["single", "double", "triple", "quadruple", "hold", "release"] },
    attributes: { event_types: ["single", "double", "triple", "quadruple", "hold", "release"] },
  },
  "18": {
    id: "light.ha_discovery_group",
    name: "HA Discovery Group",
    command: "zigbee2mqtt/ha_discovery_group/set",
    config: { schema: "json", brightness_scale: 254, supported_color_modes: ["xy", "color_temp"], state_topic: "zigbee2mqtt/ha_discovery_group", effect: true },
  },
  "19": { ignored: true },
};

/** `actual` holds every key of `expected` with a deep-equal value. */
function assertSubset(actual: unknown, expected: unknown, path: string): void {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === "object", `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    expected.forEach((v, i) => assertSubset((actual as unknown[])[i], v, `${path}[${i}]`));
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

const files = present ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];

test("the data set holds the 19 payloads this test has expectations for", (t) => {
  if (!present) return t.skip(`../shared absent: ${dir}`);
  assert.deepEqual(files.map((f) => f.slice(0, 2)), Object.keys(EXPECTED).sort());
});

for (const file of files) {
  test(`discovery payload ${file}`, (t) => {
    const sample = JSON.parse(readFileSync(dir + file, "utf8")) as { topic: string; retain: boolean; payload: unknown; raw_payload: string | null };
    const expected = EXPECTED[file.slice(0, 2)]!;
    assert.equal(sample.retain, true);
    // The bytes as they went over the wire: the logged raw payload when there is one.
    const bytes = Buffer.from(sample.raw_payload ?? JSON.stringify(sample.payload));
    const message = readDiscoveryMessage(sample.topic, bytes, "homeassistant", 65_536);
    if (expected.ignored) {
      assert.deepEqual(message, { kind: "ignored" });
      return;
    }
    assert.equal(message.kind, "configs", JSON.stringify(message));
    if (message.kind !== "configs") return;
    assert.equal(message.configs.length, 1);
    const discovered = message.configs[0]!;
    assert.equal(discovered.component, sample.topic.split("/")[1]);
    assert.ok(discovered.config, discovered.error);
    const built = buildEntity(discovered as ComponentConfig & { config: Record<string, unknown> }, { taken: () => false, overrides: {} });
    const { entity } = built;
    assert.equal(entity.id, expected.id);
    assert.equal(entity.domain, discovered.component);
    assert.equal(entity.name, expected.name);
    assert.equal(entity.config?.command_topic, expected.command);
    assert.equal(entity.source, sample.topic);
    if (expected.readOnly) {
      assert.equal(entity.readOnly, true);
      assert.ok(entity.readOnlyReason?.startsWith(expected.readOnly), entity.readOnlyReason);
    } else {
      assert.equal(entity.readOnly, false, entity.readOnlyReason);
    }
    assertSubset(entity.config, expected.config ?? {}, "config");
    assertSubset(entity.attributes, expected.attributes ?? {}, "attributes");
    // No abbreviation survives expansion.
    for (const key of Object.keys(entity.config!)) assert.ok(!/^(stat_t|cmd_t|avty_t|pl_|val_tpl|dev$|uniq_id|~)/.test(key), `unexpanded key ${key}`);
    t.diagnostic(`${entity.id} "${entity.name}" ${entity.readOnly ? `read-only: ${entity.readOnlyReason}` : `command: ${String(entity.config?.command_topic ?? "(per-feature topics)")}`}`);
  });
}
