/**
 * Zigbee2MQTT devices as Zigbee2MQTT 2.x announces them (full keys, origin
 * block, availability through the bridge state): each device publishes its
 * state as one JSON object on `zigbee2mqtt/<name>`, retained, and takes
 * commands on `zigbee2mqtt/<name>/set` (JSON, or a plain string meaning
 * `{"state": ...}`) and `zigbee2mqtt/<name>/set/<attribute>`.
 */
import { clamp, parseJson, type Publication, type SimulatedDevice, type TopicLayout } from "./device.ts";

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

/** Kitchen coffee machine: a Zigbee2MQTT smart plug (switch). */
export function z2mPlug(layout: TopicLayout): SimulatedDevice {
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
export function z2mBlinds(layout: TopicLayout): SimulatedDevice {
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

/** Living room thermostat: a Zigbee2MQTT thermostat with heat/cool/auto and one setpoint. */
export function z2mThermostat(layout: TopicLayout): SimulatedDevice {
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
export function z2mLock(layout: TopicLayout): SimulatedDevice {
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

