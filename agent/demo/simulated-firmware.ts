/**
 * Simulated home devices that speak MQTT the way their real firmware does:
 * each announces itself with the Home Assistant discovery payload its
 * firmware publishes (Tasmota's abbreviated keys with a `~` base topic,
 * Zigbee2MQTT's and ESPHome's full keys), and answers its command topics by
 * publishing its new state on its state topics (JSON bodies for Zigbee2MQTT
 * and ESPHome JSON lights, Tasmota's `tele/STATE` JSON, ESPHome's plain
 * `ON`/`open` strings). Behaviour is modelled on the firmware's documented
 * MQTT API: Tasmota `POWER`/`Dimmer`/`CT`, Zigbee2MQTT `<device>/set` with a
 * JSON or plain body, ESPHome `<node>/<component>/<id>/command`.
 */
import type { Domain } from "../../devices/entity.ts";

/** One MQTT publication a device makes. */
export interface Publication {
  topic: string;
  payload: string;
  retain: boolean;
}

/** What a device may do while handling a command: publish now, or after a delay (a garage door travelling). */
export interface DeviceIo {
  publish(publications: Publication[]): void;
  later(ms: number, action: () => void): void;
}

export type Firmware = "Tasmota" | "Zigbee2MQTT" | "ESPHome";

/** A simulated device: its announcement, its topics, and its behaviour. */
export interface SimulatedDevice {
  /** Short id, e.g. `kitchen_ceiling`. */
  id: string;
  firmware: Firmware;
  component: Domain;
  /** The device's `suggested_area`. */
  area: string;
  /** `<prefix>/<component>/<node>/<object>/config`. */
  discoveryTopic: string;
  /** The discovery payload exactly as published (the firmware's own key style). */
  config: Record<string, unknown>;
  /** Topics the device listens to. */
  commandTopics: string[];
  /** The firmware's availability topic and its online/offline payloads (retained; offline is its last will). */
  availability: { topic: string; online: string; offline: string };
  /** State publications: the current state, as the device publishes it after boot and after each command. */
  statePublications(): Publication[];
  /** Apply a command received on one of `commandTopics`; invalid payloads are ignored, as firmware does. */
  handle(topic: string, payload: string, io: DeviceIo): void;
  /** The device's state as it holds it, for inspection. */
  readonly state: Record<string, unknown>;
}

/** Where topics live: `prefix` is HA's discovery prefix, `namespace` is prepended to every device topic. */
export interface TopicLayout {
  prefix: string;
  namespace: string;
}

/** Options that shape the simulation. */
export interface SimulationOptions {
  /** How long the garage door takes to open or close, in ms. */
  garageTravelMs: number;
}

function parseJson(payload: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Zigbee2MQTT accepts a JSON body, or a plain string meaning `{"state": <string>}`. */
function z2mBody(payload: string): Record<string, unknown> {
  return parseJson(payload) ?? { state: payload.trim() };
}

function z2mDevice(name: string, ieee: string, model: string, modelId: string, manufacturer: string, area: string) {
  return {
    identifiers: [`zigbee2mqtt_${ieee}`],
    manufacturer,
    model,
    model_id: modelId,
    name,
    suggested_area: area,
    sw_version: "Zigbee2MQTT 2.1.3",
    via_device: "zigbee2mqtt_bridge_0x00124b0024c1d2e3",
  };
}

function z2mAvailability(layout: TopicLayout) {
  return [{ topic: `${layout.namespace}zigbee2mqtt/bridge/state`, value_template: "{{ value_json.state }}" }];
}

function z2mBridgeState(layout: TopicLayout) {
  return { topic: `${layout.namespace}zigbee2mqtt/bridge/state`, online: '{"state":"online"}', offline: '{"state":"offline"}' };
}

const z2mOrigin = { name: "Zigbee2MQTT", sw: "2.1.3", url: "https://www.zigbee2mqtt.io" };

/** Kitchen ceiling light: a Tasmota dimmer with white tuning, default-schema light, Tasmota's legacy discovery keys. */
function tasmotaCeilingLight(layout: TopicLayout): SimulatedDevice {
  const base = `${layout.namespace}tasmota_4C11AE/`;
  const state = { POWER: "OFF", Dimmer: 80, CT: 327 };
  const stateTopic = `${base}tele/STATE`;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "kitchen_ceiling",
    firmware: "Tasmota",
    component: "light",
    area: "Kitchen",
    discoveryTopic: `${layout.prefix}/light/4C11AE_LI_1/config`,
    config: {
      name: "Kitchen Ceiling",
      "~": base,
      cmd_t: "~cmnd/POWER",
      stat_t: "~tele/STATE",
      val_tpl: "{{value_json.POWER}}",
      pl_off: "OFF",
      pl_on: "ON",
      avty_t: "~tele/LWT",
      pl_avail: "Online",
      pl_not_avail: "Offline",
      uniq_id: "4C11AE_LI_1",
      dev: {
        ids: ["4C11AE"],
        name: "Kitchen Ceiling",
        mdl: "Sonoff B1",
        sw: "9.1.0(tasmota)",
        mf: "Tasmota",
        sa: "Kitchen",
      },
      bri_cmd_t: "~cmnd/Dimmer",
      bri_stat_t: "~tele/STATE",
      bri_scl: 100,
      on_cmd_type: "last",
      bri_val_tpl: "{{value_json.Dimmer}}",
      clr_temp_cmd_t: "~cmnd/CT",
      clr_temp_stat_t: "~tele/STATE",
      clr_temp_val_tpl: "{{value_json.CT}}",
      min_mirs: 153,
      max_mirs: 500,
    },
    commandTopics: [`${base}cmnd/POWER`, `${base}cmnd/Dimmer`, `${base}cmnd/CT`],
    availability: { topic: `${base}tele/LWT`, online: "Online", offline: "Offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      const value = payload.trim();
      const command = topic.slice(`${base}cmnd/`.length);
      if (command === "POWER") {
        const upper = value.toUpperCase();
        if (upper === "ON" || upper === "1") state.POWER = "ON";
        else if (upper === "OFF" || upper === "0") state.POWER = "OFF";
        else if (upper === "TOGGLE" || upper === "2") state.POWER = state.POWER === "ON" ? "OFF" : "ON";
        else return;
      } else if (command === "Dimmer") {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        // Tasmota: a dimmer value turns the light on; 0 turns it off.
        state.Dimmer = clamp(Math.round(n), 0, 100);
        state.POWER = state.Dimmer > 0 ? "ON" : "OFF";
      } else if (command === "CT") {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        state.CT = clamp(Math.round(n), 153, 500);
      } else return;
      io.publish(publish());
    },
  };
}

/** Living room lamp: an ESPHome RGB light, JSON schema, state retained as ESPHome does. */
function esphomeRgbLamp(layout: TopicLayout): SimulatedDevice {
  const node = `${layout.namespace}living-room-node`;
  const stateTopic = `${node}/light/lamp/state`;
  const state: { state: "ON" | "OFF"; color_mode: "rgb"; brightness: number; color: { r: number; g: number; b: number } } = {
    state: "OFF",
    color_mode: "rgb",
    brightness: 255,
    color: { r: 255, g: 180, b: 107 },
  };
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "living_room_lamp",
    firmware: "ESPHome",
    component: "light",
    area: "Living Room",
    discoveryTopic: `${layout.prefix}/light/living-room-node/lamp/config`,
    config: {
      schema: "json",
      color_mode: true,
      supported_color_modes: ["rgb"],
      brightness: true,
      name: "Lamp",
      state_topic: stateTopic,
      command_topic: `${node}/light/lamp/command`,
      availability_topic: `${node}/status`,
      unique_id: "ESPlightlamp",
      device: {
        identifiers: "a4cf12b3c4d5",
        name: "living-room-node",
        sw_version: "esphome v2024.6.4 Jul 10 2024, 18:02:11",
        model: "esp32dev",
        manufacturer: "espressif",
        suggested_area: "Living Room",
      },
    },
    commandTopics: [`${node}/light/lamp/command`],
    availability: { topic: `${node}/status`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const body = parseJson(payload);
      if (!body) return;
      if (body.state === "ON" || body.state === "OFF") state.state = body.state;
      else if (body.state !== undefined) return;
      if (typeof body.brightness === "number") state.brightness = clamp(Math.round(body.brightness), 0, 255);
      const color = body.color as Record<string, unknown> | undefined;
      if (color && typeof color.r === "number" && typeof color.g === "number" && typeof color.b === "number") {
        state.color = { r: clamp(color.r, 0, 255), g: clamp(color.g, 0, 255), b: clamp(color.b, 0, 255) };
      }
      io.publish(publish());
    },
  };
}

/** Kitchen coffee machine: a Zigbee2MQTT smart plug (switch). */
function z2mPlug(layout: TopicLayout): SimulatedDevice {
  const topic = `${layout.namespace}zigbee2mqtt/coffee_machine`;
  const state = { state: "OFF", power: 0.0, linkquality: 120 };
  const publish = (): Publication[] => [{ topic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "coffee_machine",
    firmware: "Zigbee2MQTT",
    component: "switch",
    area: "Kitchen",
    discoveryTopic: `${layout.prefix}/switch/0x00158d0004a1b2c3/switch/config`,
    config: {
      availability: z2mAvailability(layout),
      command_topic: `${topic}/set`,
      device: z2mDevice("coffee_machine", "0x00158d0004a1b2c3", "Smart plug (EU)", "SP 120", "innr", "Kitchen"),
      name: null,
      payload_off: "OFF",
      payload_on: "ON",
      state_topic: topic,
      object_id: "coffee_machine",
      unique_id: "0x00158d0004a1b2c3_switch_zigbee2mqtt",
      origin: z2mOrigin,
      value_template: "{{ value_json.state }}",
    },
    commandTopics: [`${topic}/set`],
    availability: z2mBridgeState(layout),
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const value = String(z2mBody(payload).state ?? "").toUpperCase();
      if (value === "ON") state.state = "ON";
      else if (value === "OFF") state.state = "OFF";
      else if (value === "TOGGLE") state.state = state.state === "ON" ? "OFF" : "ON";
      else return;
      state.power = state.state === "ON" ? 1450.0 : 0.0;
      io.publish(publish());
    },
  };
}

/** Living room blinds: a Zigbee2MQTT roller blind with position, shaped like Zigbee2MQTT's cover discovery. */
function z2mBlinds(layout: TopicLayout): SimulatedDevice {
  const topic = `${layout.namespace}zigbee2mqtt/living_room_blinds`;
  const state = { position: 100, state: "OPEN" };
  const publish = (): Publication[] => [{ topic, payload: JSON.stringify(state), retain: true }];
  const moveTo = (position: number) => {
    state.position = clamp(Math.round(position), 0, 100);
    state.state = state.position > 0 ? "OPEN" : "CLOSE";
  };
  return {
    id: "living_room_blinds",
    firmware: "Zigbee2MQTT",
    component: "cover",
    area: "Living Room",
    discoveryTopic: `${layout.prefix}/cover/0x84fd27fffe6b1c2d/cover/config`,
    config: {
      command_topic: `${topic}/set`,
      position_topic: topic,
      set_position_topic: `${topic}/set`,
      set_position_template: '{ "position": {{ position }} }',
      position_template: '{{ value_json["position"] }}',
      state_topic: topic,
      value_template: '{{ value_json["state"] }}',
      state_open: "OPEN",
      state_closed: "CLOSE",
      state_stopped: "STOP",
      device_class: "blind",
      name: null,
      object_id: "living_room_blinds",
      unique_id: "0x84fd27fffe6b1c2d_cover_zigbee2mqtt",
      origin: z2mOrigin,
      device: z2mDevice("living_room_blinds", "0x84fd27fffe6b1c2d", "FYRTUR roller blind", "E1757", "IKEA", "Living Room"),
      availability: z2mAvailability(layout),
    },
    commandTopics: [`${topic}/set`],
    availability: z2mBridgeState(layout),
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const body = z2mBody(payload);
      if (typeof body.position === "number") moveTo(body.position);
      else if (body.state === "OPEN") moveTo(100);
      else if (body.state === "CLOSE") moveTo(0);
      else if (body.state !== "STOP") return;
      io.publish(publish());
    },
  };
}

/** Garage door: an ESPHome cover (device class garage) that travels for a while, reporting opening/closing. */
function esphomeGarageDoor(layout: TopicLayout, options: SimulationOptions): SimulatedDevice {
  const node = `${layout.namespace}garage-node`;
  const stateTopic = `${node}/cover/garage_door/state`;
  const state = { state: "closed" };
  let travel = 0;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: state.state, retain: true }];
  return {
    id: "garage_door",
    firmware: "ESPHome",
    component: "cover",
    area: "Garage",
    discoveryTopic: `${layout.prefix}/cover/garage-node/garage_door/config`,
    config: {
      device_class: "garage",
      name: "Garage Door",
      state_topic: stateTopic,
      command_topic: `${node}/cover/garage_door/command`,
      availability_topic: `${node}/status`,
      unique_id: "ESPcovergarage_door",
      device: {
        identifiers: "c8c9a3d4e5f6",
        name: "garage-node",
        sw_version: "esphome v2024.6.4 Jul 10 2024, 18:05:43",
        model: "nodemcuv2",
        manufacturer: "espressif",
        suggested_area: "Garage",
      },
    },
    commandTopics: [`${node}/cover/garage_door/command`],
    availability: { topic: `${node}/status`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const command = payload.trim().toUpperCase();
      if (command === "STOP") {
        travel++;
        if (state.state === "opening" || state.state === "closing") state.state = "open";
        io.publish(publish());
        return;
      }
      if (command !== "OPEN" && command !== "CLOSE") return;
      const target = command === "OPEN" ? "open" : "closed";
      if (state.state === target) {
        io.publish(publish());
        return;
      }
      const trip = ++travel;
      state.state = command === "OPEN" ? "opening" : "closing";
      io.publish(publish());
      io.later(options.garageTravelMs, () => {
        if (trip !== travel) return; // a later command superseded this trip
        state.state = target;
        io.publish(publish());
      });
    },
  };
}

/** Living room thermostat: a Zigbee2MQTT thermostat with heat/cool/auto and one setpoint. */
function z2mThermostat(layout: TopicLayout): SimulatedDevice {
  const topic = `${layout.namespace}zigbee2mqtt/living_room_thermostat`;
  const state = { local_temperature: 20.5, current_heating_setpoint: 20, system_mode: "heat", running_state: "idle" };
  const modes = ["off", "heat", "cool", "auto"];
  const update = () => {
    const t = state.local_temperature;
    const sp = state.current_heating_setpoint;
    const heating = (state.system_mode === "heat" || state.system_mode === "auto") && t < sp;
    const cooling = (state.system_mode === "cool" || state.system_mode === "auto") && t > sp;
    state.running_state = heating ? "heat" : cooling ? "cool" : "idle";
  };
  update();
  const publish = (): Publication[] => [{ topic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "living_room_thermostat",
    firmware: "Zigbee2MQTT",
    component: "climate",
    area: "Living Room",
    discoveryTopic: `${layout.prefix}/climate/0x00124b0022a3b4c5/climate/config`,
    config: {
      action_template: "{% set values = {None:None,'idle':'idle','heat':'heating','cool':'cooling','fan_only':'fan'} %}{{ values[value_json[\"running_state\"]] }}",
      action_topic: topic,
      availability: z2mAvailability(layout),
      current_temperature_template: '{{ value_json["local_temperature"] }}',
      current_temperature_topic: topic,
      device: z2mDevice("living_room_thermostat", "0x00124b0022a3b4c5", "Smart thermostat", "SLR1c", "Hive", "Living Room"),
      max_temp: "30",
      min_temp: "5",
      mode_command_topic: `${topic}/set/system_mode`,
      mode_state_template: '{{ value_json["system_mode"] }}',
      mode_state_topic: topic,
      modes,
      name: null,
      temp_step: 0.5,
      temperature_command_topic: `${topic}/set/current_heating_setpoint`,
      temperature_state_template: '{{ value_json["current_heating_setpoint"] }}',
      temperature_state_topic: topic,
      temperature_unit: "C",
      object_id: "living_room_thermostat",
      unique_id: "0x00124b0022a3b4c5_climate_zigbee2mqtt",
      origin: z2mOrigin,
    },
    commandTopics: [`${topic}/set/system_mode`, `${topic}/set/current_heating_setpoint`],
    availability: z2mBridgeState(layout),
    statePublications: publish,
    state,
    handle(commandTopic, payload, io) {
      const value = payload.trim();
      if (commandTopic.endsWith("/system_mode")) {
        if (!modes.includes(value)) return;
        state.system_mode = value;
      } else {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        state.current_heating_setpoint = clamp(Math.round(n * 2) / 2, 5, 30);
      }
      update();
      io.publish(publish());
    },
  };
}

/** Front door lock in the hallway: a Zigbee2MQTT lock. */
function z2mLock(layout: TopicLayout): SimulatedDevice {
  const topic = `${layout.namespace}zigbee2mqtt/front_door_lock`;
  const state = { state: "LOCK", lock_state: "locked", battery: 87 };
  const publish = (): Publication[] => [{ topic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "front_door_lock",
    firmware: "Zigbee2MQTT",
    component: "lock",
    area: "Hallway",
    discoveryTopic: `${layout.prefix}/lock/0x000d6f0011a2b3c4/lock/config`,
    config: {
      availability: z2mAvailability(layout),
      command_topic: `${topic}/set`,
      device: z2mDevice("front_door_lock", "0x000d6f0011a2b3c4", "Real living lock / Intelligent biometric digital lock", "YRD426NRSC", "Yale", "Hallway"),
      name: null,
      payload_lock: "LOCK",
      payload_unlock: "UNLOCK",
      state_locked: "LOCK",
      state_unlocked: "UNLOCK",
      state_topic: topic,
      value_template: "{{ value_json.state }}",
      object_id: "front_door_lock",
      unique_id: "0x000d6f0011a2b3c4_lock_zigbee2mqtt",
      origin: z2mOrigin,
    },
    commandTopics: [`${topic}/set`],
    availability: z2mBridgeState(layout),
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const value = String(z2mBody(payload).state ?? "").toUpperCase();
      if (value === "LOCK") Object.assign(state, { state: "LOCK", lock_state: "locked" });
      else if (value === "UNLOCK") Object.assign(state, { state: "UNLOCK", lock_state: "unlocked" });
      else return;
      io.publish(publish());
    },
  };
}

/** Bedroom ceiling fan: an ESPHome fan with three speed levels. */
function esphomeFan(layout: TopicLayout): SimulatedDevice {
  const node = `${layout.namespace}bedroom-node`;
  const stateTopic = `${node}/fan/ceiling_fan/state`;
  const speedStateTopic = `${node}/fan/ceiling_fan/speed_level/state`;
  const state = { state: "OFF", speed_level: 1 };
  const publish = (): Publication[] => [
    { topic: stateTopic, payload: state.state, retain: true },
    { topic: speedStateTopic, payload: String(state.speed_level), retain: true },
  ];
  return {
    id: "bedroom_fan",
    firmware: "ESPHome",
    component: "fan",
    area: "Bedroom",
    discoveryTopic: `${layout.prefix}/fan/bedroom-node/ceiling_fan/config`,
    config: {
      name: "Ceiling Fan",
      state_topic: stateTopic,
      command_topic: `${node}/fan/ceiling_fan/command`,
      percentage_command_topic: `${node}/fan/ceiling_fan/speed_level/command`,
      percentage_state_topic: speedStateTopic,
      speed_range_max: 3,
      availability_topic: `${node}/status`,
      unique_id: "ESPfanceiling_fan",
      device: {
        identifiers: "e8db84a1b2c3",
        name: "bedroom-node",
        sw_version: "esphome v2024.6.4 Jul 10 2024, 18:07:12",
        model: "esp01_1m",
        manufacturer: "espressif",
        suggested_area: "Bedroom",
      },
    },
    commandTopics: [`${node}/fan/ceiling_fan/command`, `${node}/fan/ceiling_fan/speed_level/command`],
    availability: { topic: `${node}/status`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      const value = payload.trim();
      if (topic.endsWith("/speed_level/command")) {
        const n = Number(value);
        if (value === "" || !Number.isInteger(n)) return;
        // ESPHome: speed 0 turns the fan off, other levels turn it on.
        if (n <= 0) state.state = "OFF";
        else Object.assign(state, { state: "ON", speed_level: Math.min(n, 3) });
      } else {
        const upper = value.toUpperCase();
        if (upper === "ON" || upper === "OFF") state.state = upper;
        else if (upper === "TOGGLE") state.state = state.state === "ON" ? "OFF" : "ON";
        else return;
      }
      io.publish(publish());
    },
  };
}

/** The demo home: eight devices across Kitchen, Living Room, Bedroom, Garage and Hallway. */
export function createSimulatedDevices(layout: TopicLayout, options: SimulationOptions): SimulatedDevice[] {
  return [
    tasmotaCeilingLight(layout),
    esphomeRgbLamp(layout),
    z2mPlug(layout),
    z2mBlinds(layout),
    esphomeGarageDoor(layout, options),
    z2mThermostat(layout),
    z2mLock(layout),
    esphomeFan(layout),
  ];
}
