import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { DiscoveryConsumer, type DiscoveryWarning } from "../../../devices/discovery/consumer.ts";
import { MqttSession } from "../../../devices/mqtt/session.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const dataDir = fileURLToPath(new URL("../../../../shared/data/mqtt-discovery/", import.meta.url));
const haveData = existsSync(dataDir);
const skip = !mosquittoAvailable() ? "mosquitto not installed" : !haveData ? `../shared absent: ${dataDir}` : false;

const sample = (prefix: string) => {
  const file = ["11_z2m-2.12.1_ikea-bulb_light-json-schema.json", "12_z2m-2.12.1_wall-switch_switch-left.json", "13_z2m-2.12.1_weather-sensor_sensor-temperature.json",
    "14_z2m-2.12.1_tuya-trv_climate.json", "15_z2m-2.12.1_smart-vent_cover.json", "03_z2m-1.0.1_aqara-door_binary_sensor-contact.json", "16_z2m-2.12.1_ceiling-fan_fan.json",
    "07_shelly1-gen1_via-shellies-discovery_switch-relay.json"].find((f) => f.startsWith(prefix))!;
  return JSON.parse(readFileSync(dataDir + file, "utf8")) as { topic: string; payload: unknown; raw_payload: string | null };
};

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let broker: Mosquitto;
let device: MqttClient;
before(async () => {
  if (skip) return;
  broker = await Mosquitto.start();
  device = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "fake-devices", reconnectPeriod: 0 });
});
after(async () => {
  await device?.endAsync();
  await broker?.dispose();
});

const publish = (topic: string, payload: string | object, retain = true) =>
  device.publishAsync(topic, typeof payload === "string" ? payload : JSON.stringify(payload), { qos: 1, retain });

async function startConsumer(agentId: string, extraConfig: Record<string, unknown> = {}) {
  const config = parseConfig({ mqtt: { port: broker.port, client_id: `consumer-${agentId}` }, agent: { id: agentId }, ...extraConfig });
  const session = new MqttSession(config.mqtt, { agentId });
  await session.start();
  const registry = new EntityRegistry();
  for (const a of config.areas) registry.addArea({ id: a.id ?? a.name.toLowerCase().replace(/\W+/g, "_"), name: a.name, floor: a.floor, aliases: a.aliases });
  const consumer = new DiscoveryConsumer(session, registry, config);
  const warnings: DiscoveryWarning[] = [];
  consumer.on("warning", (w) => warnings.push(w));
  consumer.start();
  return { session, registry, consumer, warnings };
}

test("retained discovery configs become registry entities; state, availability, updates and deletion follow the broker", { skip }, async () => {
  for (const id of ["11", "12", "13", "14", "15", "03", "07"]) {
    const s = sample(id);
    await publish(s.topic, s.raw_payload ?? JSON.stringify(s.payload));
  }
  // Abbreviated, with a `~` base and a suggested area.
  await publish("homeassistant/lock/frontdoor/lock/config", {
    "~": "home/frontdoor", name: "Lock", cmd_t: "~/set", stat_t: "~/state", uniq_id: "frontdoor_lock",
    dev: { ids: ["frontdoor"], name: "Front door", sa: "Hallway" },
  });
  // Device-based config with shared state topic and availability, and a trailing `~`.
  await publish("homeassistant/device/desk01/config", {
    dev: { ids: "desk01", name: "Desk", mf: "Acme", sa: "Office" },
    o: { name: "acme2mqtt", sw: "1.0", url: "https://example.invalid" },
    "~": "acme/desk01",
    stat_t: "~/state",
    avty_t: "~/availability",
    cmps: {
      lamp: { p: "light", name: "Lamp", uniq_id: "desk01_lamp", cmd_t: "~/lamp/set", stat_val_tpl: "{{ value_json.lamp }}", bri_cmd_t: "~/lamp/brightness/set", bri_stat_t: "~/lamp/brightness", bri_scl: 100 },
      temp: { p: "sensor", name: "Temperature", uniq_id: "desk01_temp", dev_cla: "temperature", unit_of_meas: "°C", val_tpl: "{{ value_json.temp }}" },
      fan: { p: "fan", name: "Fan", uniq_id: "desk01_fan", cmd_t: "~/fan/set", pct_stat_t: "prefix/~", pct_cmd_t: "~/fan/pct", spd_rng_min: 1, spd_rng_max: 4 },
    },
  });

  const { session, registry, consumer, warnings } = await startConsumer("t-consumer", {
    areas: [{ name: "Living Room", floor: "Ground" }, { name: "Hallway", aliases: ["entrance"] }, { name: "Office" }],
    entities: { "light.bulb": { area: "Living Room", aliases: ["reading lamp"] } },
  });
  try {
    await until(() => consumer.size === 11, `11 entities, got ${registry.all().map((e) => e.id).join(", ")}`);
    // The state messages below are not retained: they reach hearth only once the broker acknowledged its subscriptions.
    await session.subscribed();
    const ids = registry.all().map((e) => e.id).sort();
    assert.deepEqual(ids, [
      "binary_sensor.home_door_home_door_contact", "climate.ts0601_thermostat", "cover.smart_vent", "fan.desk_fan", "light.bulb", "light.desk_lamp",
      "lock.front_door_lock", "sensor.desk_temperature", "sensor.weather_sensor_temperature", "switch.shelly_1_40f52000cc66_relay_0",
      "switch.wall_switch_double_left",
    ]);

    const bulb = registry.get("light.bulb")!;
    assert.equal(bulb.area, "Living Room");
    assert.deepEqual(bulb.aliases, ["reading lamp"]);
    const lock = registry.get("lock.front_door_lock")!;
    assert.equal(lock.name, "Front door Lock");
    assert.equal(lock.area, "Hallway");
    assert.equal(lock.config!.command_topic, "home/frontdoor/set");
    const lamp = registry.get("light.desk_lamp")!;
    assert.equal(lamp.area, "Office");
    assert.equal(lamp.config!.state_topic, "acme/desk01/state");
    assert.equal(lamp.config!.command_topic, "acme/desk01/lamp/set");
    assert.equal(lamp.config!.brightness_state_topic, "acme/desk01/lamp/brightness");
    assert.deepEqual(lamp.config!.origin, { name: "acme2mqtt", sw_version: "1.0", support_url: "https://example.invalid" });
    assert.deepEqual(lamp.device?.identifiers, ["desk01"]);
    assert.equal(registry.get("fan.desk_fan")!.config!.percentage_state_topic, "prefix/acme/desk01");
    assert.equal(registry.get("sensor.desk_temperature")!.readOnly, true);

    // State topics.
    await publish("zigbee2mqtt/bulb", { state: "ON", brightness: 127, color_temp: 370, color_mode: "color_temp" }, false);
    await publish("zigbee2mqtt/wall_switch_double", { state_left: "ON", state_right: "OFF" }, false);
    await publish("zigbee2mqtt/weather_sensor", { temperature: 22.4, humidity: 40 }, false);
    await publish("zigbee2mqtt/TS0601_thermostat", { system_mode: "heat", current_heating_setpoint: 21, local_temperature: 19.5, running_state: "heat", preset: "eco" }, false);
    await publish("zigbee2mqtt/smart vent", { state: "OPEN", position: 40 }, false);
    await publish("zigbee2mqtt/home_door", { contact: false }, false);
    await publish("shellies/shelly1-40F52000CC66/relay/0", "on", false);
    await publish("home/frontdoor/state", "LOCKED", false);
    await publish("acme/desk01/state", { lamp: "ON", temp: 23.5 }, false);
    await publish("acme/desk01/lamp/brightness", "50", false);
    await publish("prefix/acme/desk01", "2", false);
    await until(() => registry.get("fan.desk_fan")!.attributes.percentage === 50 && registry.get("light.desk_lamp")!.attributes.brightness !== undefined, "state updates");
    await until(() => registry.get("lock.front_door_lock")!.state === "locked", "lock state");

    assert.equal(registry.get("light.bulb")!.state, "on");
    assert.equal(registry.get("light.bulb")!.attributes.brightness, 128); // 127 on a 0..254 scale
    assert.equal(registry.get("light.bulb")!.attributes.color_temp_kelvin, 2703); // 370 mireds
    assert.equal(registry.get("switch.wall_switch_double_left")!.state, "on");
    assert.equal(registry.get("sensor.weather_sensor_temperature")!.state, "22.4");
    assert.equal(registry.get("sensor.weather_sensor_temperature")!.attributes.unit_of_measurement, "°C");
    const climate = registry.get("climate.ts0601_thermostat")!;
    assert.equal(climate.state, "heat");
    assert.equal(climate.attributes.temperature, 21);
    assert.equal(climate.attributes.current_temperature, 19.5);
    assert.equal(climate.attributes.hvac_action, "heating");
    assert.equal(climate.attributes.preset_mode, "eco");
    assert.equal(registry.get("cover.smart_vent")!.state, "open");
    assert.equal(registry.get("cover.smart_vent")!.attributes.current_position, 40);
    assert.equal(registry.get("binary_sensor.home_door_home_door_contact")!.state, "on"); // contact false = open door
    assert.equal(registry.get("switch.shelly_1_40f52000cc66_relay_0")!.state, "on");
    assert.equal(registry.get("light.desk_lamp")!.state, "on");
    assert.equal(registry.get("light.desk_lamp")!.attributes.brightness, 128); // 50 of 100
    assert.equal(registry.get("sensor.desk_temperature")!.state, "23.5");

    // Availability: Zigbee2MQTT's bridge state (JSON, with a value template), and the device-based shared topic.
    await publish("zigbee2mqtt/bridge/state", { state: "offline" });
    await until(() => !registry.get("light.bulb")!.available, "bridge offline");
    assert.equal(registry.get("cover.smart_vent")!.available, false);
    assert.equal(registry.get("lock.front_door_lock")!.available, true);
    await publish("zigbee2mqtt/bridge/state", { state: "online" });
    await until(() => registry.get("light.bulb")!.available, "bridge online");
    await publish("acme/desk01/availability", "offline");
    await until(() => !registry.get("light.desk_lamp")!.available && !registry.get("sensor.desk_temperature")!.available, "desk offline");
    await publish("shellies/shelly1-40F52000CC66/online", "false");
    await until(() => !registry.get("switch.shelly_1_40f52000cc66_relay_0")!.available, "shelly offline");

    // An update replaces the config; the state topic's last message gives the new entity its state back.
    const s13 = sample("13");
    await publish(s13.topic, { ...(s13.payload as object), name: "Outside temperature" });
    await until(() => registry.get("sensor.weather_sensor_temperature")?.name === "weather_sensor Outside temperature", "updated name");
    assert.equal(registry.get("sensor.weather_sensor_temperature")!.state, "22.4");

    // Empty retained payloads delete: one entity, then a whole device.
    await publish(sample("12").topic, "");
    await until(() => !registry.get("switch.wall_switch_double_left"), "switch removed");
    await publish("homeassistant/device/desk01/config", "");
    await until(() => !registry.get("light.desk_lamp") && !registry.get("sensor.desk_temperature") && !registry.get("fan.desk_fan"), "device removed");
    assert.equal(consumer.size, 7);
    assert.deepEqual(warnings.filter((w) => !w.reason.startsWith("template")), []);
    // The fan of file 16 was not published; the only template problems would be real ones.
    consumer.stop();
    assert.equal(registry.all().length, 0);
  } finally {
    await session.close();
    // Every retained config, also those a failed assertion left behind, so later tests start from an empty broker.
    for (const t of ["homeassistant/lock/frontdoor/lock/config", "homeassistant/device/desk01/config", ...["11", "12", "13", "14", "15", "03", "07"].map((id) => sample(id).topic)]) await publish(t, "");
  }
});

test("a component of a device config holding only `platform` is removed; ids stay unique", { skip }, async () => {
  const { session, registry, consumer } = await startConsumer("t-unique");
  try {
    await publish("homeassistant/device/twin/config", {
      dev: { ids: ["twin"], name: "Twin" }, cmps: { a: { p: "switch", name: "Plug", cmd_t: "twin/a/set", uniq_id: "twin_a" }, b: { p: "switch", name: "Plug", cmd_t: "twin/b/set", uniq_id: "twin_b" } },
    });
    await until(() => consumer.size === 2, "two switches");
    assert.deepEqual(registry.all().map((e) => e.id).sort(), ["switch.twin_plug", "switch.twin_plug_2"]);
    await publish("homeassistant/device/twin/config", {
      dev: { ids: ["twin"], name: "Twin" }, cmps: { a: { p: "switch" }, b: { p: "switch", name: "Plug", cmd_t: "twin/b/set", uniq_id: "twin_b" } },
    });
    await until(() => consumer.size === 1, "one switch left");
    assert.equal(registry.all()[0]!.config!.command_topic, "twin/b/set");
  } finally {
    await publish("homeassistant/device/twin/config", "");
    await session.close();
  }
});

test("the fan whose command template does not compile stays read-only with one warning naming it", { skip }, async () => {
  const real = sample("16");
  // The real Zigbee2MQTT fan with its percentage template cut short, as a typo in a hand-written config would.
  const s16 = { ...real, payload: { ...(real.payload as Record<string, unknown>), percentage_command_template: "{{ {0:'off'}[value] " } };
  await publish(s16.topic, JSON.stringify(s16.payload));
  const { session, registry, consumer, warnings } = await startConsumer("t-template");
  try {
    await until(() => consumer.size === 1, "fan");
    const fan = registry.get("fan.fan")!;
    assert.equal(fan.readOnly, true);
    assert.match(fan.readOnlyReason!, /percentage_command_template/);
    // Its state is still tracked through the templates that compile. Retained: the entity exists a
    // turn of the event loop before its state subscription reaches the broker (subscriptions are batched).
    await publish("zigbee2mqtt/fan", { fan_state: "ON", fan_mode: "medium" });
    await until(() => registry.get("fan.fan")!.state === "on", "fan state");
    await until(() => registry.get("fan.fan")!.attributes.percentage === 50, "fan percentage (medium = 2 of 1..4)");
    await publish(s16.topic, JSON.stringify({ ...(s16.payload as object), icon: "mdi:fan" }));
    await new Promise((r) => setTimeout(r, 200));
    const templateWarnings = warnings.filter((w) => w.topic === s16.topic);
    assert.equal(templateWarnings.length, 1, JSON.stringify(warnings));
    assert.equal(templateWarnings[0]!.entityId, "fan.fan");
  } finally {
    await publish(s16.topic, "");
    await publish("zigbee2mqtt/fan", "");
    await session.close();
  }
});

test("after a dropped connection, retained states and configs changed meanwhile are picked up (resubscribe on reconnect)", { skip }, async () => {
  const config = parseConfig({ mqtt: { port: broker.port, reconnect_min_ms: 400, reconnect_max_ms: 400 }, agent: { id: "t-outage" } });
  await publish("homeassistant/switch/outage/config", { name: "Heater", cmd_t: "heater/set", stat_t: "heater/state" });
  await publish("heater/state", "OFF");
  const session = new MqttSession(config.mqtt, { agentId: "t-outage" });
  await session.start();
  const registry = new EntityRegistry();
  const consumer = new DiscoveryConsumer(session, registry, config);
  consumer.start();
  try {
    await until(() => registry.get("switch.heater")?.state === "off", "initial state");
    const reconnected = new Promise<{ sessionPresent: boolean }>((resolve) => session.once("connected", resolve));
    // Another client with hearth's client id takes the session over: hearth's link drops (as on a network cut).
    const intruder = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "hearth-t-outage", clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    await until(() => session.state === "reconnecting", "link dropped");
    // While hearth waits to reconnect, the heater turns on and a new device appears.
    await publish("heater/state", "ON");
    await publish("homeassistant/switch/outage2/config", { name: "Fan", cmd_t: "fan/set" });
    await intruder.endAsync();
    assert.equal((await reconnected).sessionPresent, true, "the broker kept the session");
    await until(() => registry.get("switch.heater")!.state === "on" && registry.get("switch.fan") !== undefined, "state and config from the outage");
  } finally {
    consumer.stop();
    await session.close();
    for (const t of ["homeassistant/switch/outage/config", "homeassistant/switch/outage2/config", "heater/state"]) await publish(t, "");
  }
});

test("a second config with an entity's unique_id is ignored with one warning, as HA does; after its deletion the id is free again", { skip }, async () => {
  const first = { name: "Hall Light", unique_id: "hall_light_1", command_topic: "hall/light/set" };
  await publish("homeassistant/switch/uid_first/config", first);
  const { session, registry, consumer, warnings } = await startConsumer("uid-test");
  try {
    await until(() => registry.get("switch.hall_light") !== undefined, "the first hall light");
    // Same unique_id and name, another topic: a stale or forged announcement.
    await publish("homeassistant/switch/uid_copy/config", { ...first, command_topic: "forged/set" });
    // Same unique_id in another component: HA keys unique ids per platform, so this one is a new entity.
    await publish("homeassistant/light/uid_light/config", { name: "Hall Lamp", unique_id: "hall_light_1", command_topic: "hall/lamp/set" });
    await until(() => registry.get("light.hall_lamp") !== undefined, "the light with the same unique_id");
    await until(() => warnings.some((w) => w.topic === "homeassistant/switch/uid_copy/config"), "the duplicate's warning");
    assert.deepEqual(registry.all().filter((e) => e.domain === "switch").map((e) => [e.id, e.config?.command_topic]), [["switch.hall_light", "hall/light/set"]]);
    assert.match(warnings.find((w) => w.topic === "homeassistant/switch/uid_copy/config")!.reason, /unique_id "hall_light_1" already belongs to switch\.hall_light; ignored/);

    // The first one is deleted; a fresh announcement of the copy is then accepted.
    await publish("homeassistant/switch/uid_first/config", "");
    await until(() => registry.get("switch.hall_light") === undefined, "the deletion");
    await publish("homeassistant/switch/uid_copy/config", { ...first, command_topic: "moved/set" });
    await until(() => registry.get("switch.hall_light")?.config?.command_topic === "moved/set", "the copy taking the id");
  } finally {
    consumer.stop();
    await session.close();
    for (const t of ["switch/uid_first", "switch/uid_copy", "light/uid_light"]) await publish(`homeassistant/${t}/config`, "");
  }
});

test("a retained config whose template runs past its budget marks the entity unavailable with one warning; code never runs; the agent goes on", { skip }, async () => {
  const loops = "{% for a in value %}{% for b in value %}{% for c in value %}{% for d in value %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
  const escape = "{{ constructor.getOwnPropertyDescriptor(constructor.getPrototypeOf(constructor), 'constructor').value(\"return 'ON'\")() }}";
  await publish("homeassistant/sensor/hostile_cpu/config", { name: "Cpu", unique_id: "hostile_cpu", state_topic: "hostile/cpu", value_template: loops });
  await publish("homeassistant/sensor/hostile_mem/config", { name: "Mem", unique_id: "hostile_mem", state_topic: "hostile/mem", value_template: "{{ value | indent(40000000) | length }}" });
  await publish("homeassistant/binary_sensor/hostile_rce/config", { name: "Rce", unique_id: "hostile_rce", state_topic: "hostile/rce", value_template: escape });
  await publish("homeassistant/sensor/honest/config", { name: "Honest", unique_id: "honest", state_topic: "honest/state", value_template: "{{ value_json.t | round(1) }}" });
  await publish("homeassistant/sensor/hostile_avty/config", { name: "Avty", unique_id: "hostile_avty", state_topic: "hostile/avty/state", availability: [{ topic: "hostile/avty", value_template: loops }] });
  await publish("hostile/avty", "z".repeat(300));
  await publish("hostile/cpu", "x".repeat(300));
  await publish("hostile/mem", "x".repeat(300));
  await publish("hostile/rce", "ON");
  const { session, registry, consumer, warnings } = await startConsumer("t-budget");
  try {
    await until(() => consumer.size === 5, "five entities");
    await until(() => registry.get("sensor.cpu")?.available === false && registry.get("sensor.mem")?.available === false, "the over-budget sensors unavailable");
    await until(() => warnings.some((w) => w.topic === "hostile/avty"), "the availability template's warning");
    assert.equal(registry.get("sensor.avty")!.available, false);
    for (const topic of ["hostile/cpu", "hostile/mem", "hostile/avty"]) {
      const named = warnings.filter((w) => w.topic === topic && w.kind === "template");
      assert.equal(named.length, 1, JSON.stringify(warnings));
      assert.match(named[0]!.reason, /budget.*marked unavailable/);
    }
    // The escape attempt renders nothing: the state stays unknown.
    assert.notEqual(registry.get("binary_sensor.rce")!.state, "on");
    // A retained hostile state again (as after a restart) is refused the same way, warned once; honest entities keep working.
    await publish("hostile/cpu", "y".repeat(300));
    await session.subscribed();
    await publish("honest/state", { t: 21.26 }, false);
    await until(() => registry.get("sensor.honest")!.state === "21.3", "the honest sensor's state");
    assert.equal(warnings.filter((w) => w.topic === "hostile/cpu").length, 1);
  } finally {
    for (const t of ["homeassistant/sensor/hostile_avty/config", "hostile/avty", "homeassistant/sensor/hostile_cpu/config", "homeassistant/sensor/hostile_mem/config", "homeassistant/binary_sensor/hostile_rce/config", "homeassistant/sensor/honest/config", "hostile/cpu", "hostile/mem", "hostile/rce"]) await publish(t, "");
    await session.close();
  }
});
