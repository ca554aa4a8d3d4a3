import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import type { Action } from "../../../devices/commands/action.ts";
import { encodeAction } from "../../../devices/commands/encode.ts";
import type { Domain, Entity } from "../../../devices/entity.ts";
import { type SimulatedHome, startSimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { expandDiscovery, makeEntity } from "../../helpers/discovery-fixtures.ts";

const URL = "mqtt://127.0.0.1:1883";
// A unique namespace per run so that parallel runs on the shared broker do not clash.
const NS = `hearth-test-${process.pid}-${Math.random().toString(16).slice(2, 8)}/`;
const PREFIX = `${NS}homeassistant`;

let home: SimulatedHome;
let observer: MqttClient;
/** Every discovery config seen under PREFIX, by discovery topic. */
const configs = new Map<string, Record<string, unknown>>();
/** Every message seen on a device topic, in order. */
const seen: { topic: string; payload: string; retain: boolean }[] = [];
const waiters = new Set<() => void>();

before(async () => {
  observer = await mqtt.connectAsync(URL, { clientId: `hearth-test-observer-${process.pid}` });
  observer.on("message", (topic, payload, packet) => {
    if (topic.startsWith(`${PREFIX}/`)) {
      if (topic.endsWith("/config") && payload.length > 0) configs.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>);
    } else {
      seen.push({ topic, payload: payload.toString(), retain: packet.retain });
    }
    for (const wake of waiters) wake();
  });
  await observer.subscribeAsync([`${PREFIX}/#`, `${NS}#`], { qos: 1 });
  home = await startSimulatedHome({ url: URL, prefix: PREFIX, namespace: NS, garageTravelMs: 150 });
  await until(() => configs.size === home.devices.length, "all discovery configs");
});

let stopped = false;
after(async () => {
  if (!stopped) await home?.stop({ forget: true });
  await observer?.endAsync();
});

/** Resolve when `check` holds, re-checked on every message; fail after `ms`. */
function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(wake);
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const wake = () => {
      if (!check()) return;
      clearTimeout(timer);
      waiters.delete(wake);
      resolve();
    };
    waiters.add(wake);
  });
}

/** The entity HA would build from a simulated device's announcement. */
function entity(id: string, state?: string): Entity {
  const device = home.devices.find((d) => d.id === id)!;
  const raw = configs.get(device.discoveryTopic);
  assert.ok(raw, `no discovery config received for ${id}`);
  return makeEntity(device.component as Domain, id, expandDiscovery(raw), { state });
}

/** Send the messages HA would send for `action`, as published by encodeAction. */
async function send(target: Entity, action: Action): Promise<number> {
  const mark = seen.length;
  for (const m of encodeAction(target, action)) await observer.publishAsync(m.topic, m.payload, { qos: m.qos, retain: m.retain });
  return mark;
}

/** The latest JSON state published on `topic` after message index `mark` that satisfies `check`. */
async function stateAfter(mark: number, topic: string, check: (payload: string) => boolean): Promise<string> {
  let found: string | undefined;
  await until(() => {
    found = seen.slice(mark).reverse().find((m) => m.topic === topic && check(m.payload))?.payload;
    return found !== undefined;
  }, `state on ${topic}`);
  return found!;
}

test("every device announces a retained discovery config with its area, and its state, retained", async () => {
  assert.deepEqual(
    home.devices.map((d) => [d.id, d.component, d.area]),
    [
      ["kitchen_ceiling", "light", "Kitchen"],
      ["living_room_lamp", "light", "Living Room"],
      ["coffee_machine", "switch", "Kitchen"],
      ["living_room_blinds", "cover", "Living Room"],
      ["garage_door", "cover", "Garage"],
      ["living_room_thermostat", "climate", "Living Room"],
      ["front_door_lock", "lock", "Hallway"],
      ["bedroom_fan", "fan", "Bedroom"],
    ],
  );
  for (const device of home.devices) {
    const config = expandDiscovery(configs.get(device.discoveryTopic)!);
    assert.equal((config.device as Record<string, unknown>).suggested_area, device.area, device.id);
    assert.ok(device.discoveryTopic.startsWith(`${PREFIX}/${device.component}/`), device.discoveryTopic);
  }
  // A client that subscribes later gets every state from the broker's retained store.
  const late = await mqtt.connectAsync(URL, { clientId: `hearth-test-late-${process.pid}` });
  const retained = new Map<string, string>();
  late.on("message", (topic, payload, packet) => {
    if (packet.retain) retained.set(topic, payload.toString());
  });
  await late.subscribeAsync(`${NS}#`, { qos: 1 });
  const stateTopics = home.devices.flatMap((d) => d.statePublications().map((p) => p.topic));
  const deadline = Date.now() + 3000;
  while (!stateTopics.every((t) => retained.has(t)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await late.endAsync();
  assert.deepEqual(stateTopics.filter((t) => !retained.has(t)), [], "state topics without a retained state");
  assert.equal(retained.get(`${NS}zigbee2mqtt/bridge/state`), '{"state":"online"}');
  // Tasmota announces with abbreviations and a `~` base topic, as its firmware does.
  const tasmota = configs.get(home.devices[0]!.discoveryTopic)!;
  assert.equal(tasmota.cmd_t, "~cmnd/POWER");
  assert.equal(tasmota["~"], `${NS}tasmota_4C11AE/`);
});

test("Tasmota kitchen light: Dimmer, CT and POWER ON, state on tele/STATE", async () => {
  const light = entity("kitchen_ceiling");
  const mark = await send(light, { type: "light_set", brightness_pct: 50, color_temp_kelvin: 2700 });
  const topic = `${NS}tasmota_4C11AE/tele/STATE`;
  assert.deepEqual(JSON.parse(await stateAfter(mark, topic, (p) => JSON.parse(p).CT === 370)), { POWER: "ON", Dimmer: 50, CT: 370 });
  const off = await send(light, { type: "turn_off" });
  assert.equal(JSON.parse(await stateAfter(off, topic, (p) => JSON.parse(p).POWER === "OFF")).Dimmer, 50);
});

test("ESPHome JSON RGB lamp answers with its JSON state", async () => {
  const lamp = entity("living_room_lamp");
  const mark = await send(lamp, { type: "light_set", rgb: [255, 0, 0], brightness_pct: 40 });
  const state = JSON.parse(await stateAfter(mark, `${NS}living-room-node/light/lamp/state`, (p) => JSON.parse(p).state === "ON"));
  // 40 % → HA brightness 102, sent unscaled (scale 255).
  assert.deepEqual(state, { state: "ON", color_mode: "rgb", brightness: 102, color: { r: 255, g: 0, b: 0 } });
});

test("Zigbee2MQTT plug, blinds and lock", async () => {
  const plug = await send(entity("coffee_machine"), { type: "turn_on" });
  assert.equal(JSON.parse(await stateAfter(plug, `${NS}zigbee2mqtt/coffee_machine`, (p) => JSON.parse(p).state === "ON")).power, 1450);

  const blindsTopic = `${NS}zigbee2mqtt/living_room_blinds`;
  const position = await send(entity("living_room_blinds"), { type: "set_position", position: 40 });
  assert.deepEqual(JSON.parse(await stateAfter(position, blindsTopic, (p) => JSON.parse(p).position === 40)), { position: 40, state: "OPEN" });
  const close = await send(entity("living_room_blinds"), { type: "close" });
  assert.deepEqual(JSON.parse(await stateAfter(close, blindsTopic, (p) => JSON.parse(p).position === 0)), { position: 0, state: "CLOSE" });

  const unlock = await send(entity("front_door_lock"), { type: "unlock" });
  const lockState = JSON.parse(await stateAfter(unlock, `${NS}zigbee2mqtt/front_door_lock`, (p) => JSON.parse(p).state === "UNLOCK"));
  assert.equal(lockState.lock_state, "unlocked");
});

test("ESPHome garage door travels: opening, then open", async () => {
  const topic = `${NS}garage-node/cover/garage_door/state`;
  const mark = await send(entity("garage_door", "closed"), { type: "open" });
  await stateAfter(mark, topic, (p) => p === "open");
  const states = seen.slice(mark).filter((m) => m.topic === topic).map((m) => m.payload);
  assert.deepEqual(states, ["opening", "open"]);
});

test("Zigbee2MQTT thermostat: HVAC mode and setpoint", async () => {
  const topic = `${NS}zigbee2mqtt/living_room_thermostat`;
  const mark = await send(entity("living_room_thermostat"), { type: "set_temperature", temperature: 22.5, hvac_mode: "cool" });
  const state = JSON.parse(await stateAfter(mark, topic, (p) => JSON.parse(p).current_heating_setpoint === 22.5));
  assert.equal(state.system_mode, "cool");
  // 20.5 °C inside, cooling to 22.5: nothing to do.
  assert.equal(state.running_state, "idle");
});

test("ESPHome fan: percentage onto three speed levels, then off", async () => {
  const fan = entity("bedroom_fan");
  // ceil(3 * 67 / 100) = ceil(2.01) = 3.
  const mark = await send(fan, { type: "set_percentage", percentage: 67 });
  await stateAfter(mark, `${NS}bedroom-node/fan/ceiling_fan/speed_level/state`, (p) => p === "3");
  await stateAfter(mark, `${NS}bedroom-node/fan/ceiling_fan/state`, (p) => p === "ON");
  const off = await send(fan, { type: "turn_off" });
  await stateAfter(off, `${NS}bedroom-node/fan/ceiling_fan/state`, (p) => p === "OFF");
});

test("Home Assistant's birth message makes every device announce itself again", async () => {
  const mark = seen.length;
  const before = configs.size;
  configs.clear();
  await observer.publishAsync(`${PREFIX}/status`, "online", { qos: 1 });
  await until(() => configs.size === before, "the re-announced discovery configs");
  await until(() => home.devices.every((d) => d.statePublications().every((p) => seen.slice(mark).some((m) => m.topic === p.topic))), "re-published states");
});

test("devices ignore malformed commands and keep working", async () => {
  const topic = `${NS}living-room-node/light/lamp/state`;
  const before = seen.length;
  await observer.publishAsync(`${NS}living-room-node/light/lamp/command`, "{not json", { qos: 1 });
  await observer.publishAsync(`${NS}tasmota_4C11AE/cmnd/Dimmer`, "bright", { qos: 1 });
  const mark = await send(entity("living_room_lamp"), { type: "turn_off" });
  await stateAfter(mark, topic, (p) => JSON.parse(p).state === "OFF");
  assert.equal(seen.slice(before, mark).filter((m) => m.topic === topic || m.topic.endsWith("tele/STATE")).length, 0);
});

test("stop({ forget }) clears every retained config and state it published", async () => {
  await home.stop({ forget: true });
  stopped = true;
  const late = await mqtt.connectAsync(URL, { clientId: `hearth-test-forget-${process.pid}` });
  const retained: string[] = [];
  late.on("message", (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) retained.push(topic);
  });
  await late.subscribeAsync([`${NS}#`, `${PREFIX}/#`], { qos: 1 });
  // Retained messages arrive right after SUBACK; a round trip on a probe topic bounds the wait.
  const probe = `${NS}probe`;
  const probed = new Promise<void>((resolve) => late.on("message", (topic) => topic === probe && resolve()));
  await late.publishAsync(probe, "x", { qos: 1 });
  await probed;
  await late.endAsync();
  assert.deepEqual(retained, []);
});

test("an unreachable broker is a clear error naming the URL", async () => {
  await assert.rejects(startSimulatedHome({ url: "mqtt://127.0.0.1:1" }), /simulated home: cannot connect to mqtt:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
});

test("stop() without forget leaves each availability topic saying offline, as the firmware's last will would", async () => {
  const ns = `${NS}second/`;
  const second = await startSimulatedHome({ url: URL, prefix: `${ns}homeassistant`, namespace: ns });
  await second.stop();
  const client = await mqtt.connectAsync(URL, { clientId: `hearth-test-offline-${process.pid}` });
  const retained = new Map<string, string>();
  client.on("message", (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) retained.set(topic, payload.toString());
  });
  const probe = `${ns}probe`;
  const probed = new Promise<void>((resolve) => client.on("message", (topic) => topic === probe && resolve()));
  await client.subscribeAsync([...second.devices.map((d) => d.availability.topic), probe], { qos: 1 });
  // Retained messages come right after SUBACK, before our own probe message.
  await client.publishAsync(probe, "x", { qos: 1 });
  await probed;
  try {
    assert.deepEqual(Object.fromEntries(retained), {
      [`${ns}tasmota_4C11AE/tele/LWT`]: "Offline",
      [`${ns}living-room-node/status`]: "offline",
      [`${ns}zigbee2mqtt/bridge/state`]: '{"state":"offline"}',
      [`${ns}garage-node/status`]: "offline",
      [`${ns}bedroom-node/status`]: "offline",
    });
  } finally {
    // Leave the shared broker clean: clear everything the second home retained.
    const topics = new Set(second.devices.flatMap((d) => [d.availability.topic, d.discoveryTopic, ...d.statePublications().map((p) => p.topic)]));
    for (const topic of topics) await client.publishAsync(topic, "", { qos: 1, retain: true });
    await client.endAsync();
  }
});
