/**
 * ESPHome nodes as ESPHome's MQTT component announces them (full keys,
 * `<node>/status` availability): state on `<node>/<component>/<id>/state`
 * (JSON for lights, plain `ON`/`open` otherwise), retained, commands on
 * `<node>/<component>/<id>/command`.
 */
import { clamp, parseJson, type Publication, type SimulatedDevice, type SimulationOptions, type TopicLayout } from "./device.ts";

/** Living room lamp: an ESPHome RGB light, JSON schema, state retained as ESPHome does. */
export function esphomeRgbLamp(layout: TopicLayout): SimulatedDevice {
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

/** Garage door: an ESPHome cover (device class garage) that travels for a while, reporting opening/closing. */
export function esphomeGarageDoor(layout: TopicLayout, options: SimulationOptions): SimulatedDevice {
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

/** Bedroom ceiling fan: an ESPHome fan with three speed levels. */
export function esphomeFan(layout: TopicLayout): SimulatedDevice {
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


/** Garden irrigation valve: an ESPHome valve (open/close/stop, no position) that takes a moment to move. */
export function esphomeValve(layout: TopicLayout, options: SimulationOptions): SimulatedDevice {
  const node = `${layout.namespace}garden-node`;
  const stateTopic = `${node}/valve/irrigation/state`;
  const commandTopic = `${node}/valve/irrigation/command`;
  const state = { state: "closed" };
  let travel = 0;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: state.state, retain: true }];
  return {
    id: "irrigation_valve",
    firmware: "ESPHome",
    component: "valve",
    area: "Garden",
    discoveryTopic: `${layout.prefix}/valve/garden-node/irrigation/config`,
    config: {
      device_class: "water",
      name: "Irrigation Valve",
      state_topic: stateTopic,
      command_topic: commandTopic,
      payload_stop: "STOP",
      availability_topic: `${node}/status`,
      unique_id: "ESPvalveirrigation",
      device: {
        identifiers: "d4e5f6a7b8c9",
        name: "garden-node",
        sw_version: "esphome v2024.6.4 Jul 10 2024, 18:09:30",
        model: "esp32dev",
        manufacturer: "espressif",
        suggested_area: "Garden",
      },
    },
    commandTopics: [commandTopic],
    availability: { topic: `${node}/status`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const command = payload.trim().toUpperCase();
      if (command === "STOP") {
        travel++;
        if (state.state === "opening") state.state = "open";
        if (state.state === "closing") state.state = "closed";
        io.publish(publish());
        return;
      }
      if (command !== "OPEN" && command !== "CLOSE") return;
      const target = command === "OPEN" ? "open" : "closed";
      const trip = ++travel;
      state.state = command === "OPEN" ? "opening" : "closing";
      io.publish(publish());
      io.later(options.garageTravelMs, () => {
        if (trip !== travel) return;
        state.state = target;
        io.publish(publish());
      });
    },
  };
}
