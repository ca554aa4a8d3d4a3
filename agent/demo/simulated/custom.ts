/**
 * Devices whose firmware has no Home Assistant discovery of its own, announced
 * the way users write an MQTT discovery config by hand (HA's documented
 * options, full keys): a robot lawn mower, a humidifier and a water heater.
 * Each takes HA's default payloads and reports its state on its own topics,
 * retained.
 */
import { clamp, type Publication, type SimulatedDevice, type SimulationOptions, type TopicLayout } from "./device.ts";

const device = (id: string, name: string, model: string, area: string) => ({
  identifiers: [id], name, model, manufacturer: "DIY", sw_version: "1.0.0", suggested_area: area,
});

/** Garden robot mower: one command topic per action, the activity as JSON. */
export function customLawnMower(layout: TopicLayout, options: SimulationOptions): SimulatedDevice {
  const base = `${layout.namespace}mower/garden`;
  const stateTopic = `${base}/state`;
  const state = { activity: "docked", battery: 90 };
  let trip = 0;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  const commands: Record<string, string> = { [`${base}/start`]: "start_mowing", [`${base}/pause`]: "pause", [`${base}/dock`]: "dock" };
  return {
    id: "lawn_mower",
    firmware: "Custom",
    component: "lawn_mower",
    area: "Garden",
    discoveryTopic: `${layout.prefix}/lawn_mower/garden_mower/config`,
    config: {
      name: "Lawn Mower",
      unique_id: "garden_mower_01",
      start_mowing_command_topic: `${base}/start`,
      pause_command_topic: `${base}/pause`,
      dock_command_topic: `${base}/dock`,
      activity_state_topic: stateTopic,
      activity_value_template: "{{ value_json.activity }}",
      availability_topic: `${base}/availability`,
      device: device("garden_mower_01", "Garden Mower", "Robot mower", "Garden"),
    },
    commandTopics: Object.keys(commands),
    availability: { topic: `${base}/availability`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      // The payload is the command's name (HA's default without a command template).
      if (payload.trim() !== commands[topic]) return;
      const thisTrip = ++trip;
      if (payload.trim() === "start_mowing") state.activity = "mowing";
      else if (payload.trim() === "pause") state.activity = "paused";
      else {
        state.activity = "returning";
        io.later(options.garageTravelMs, () => {
          if (thisTrip !== trip) return;
          state.activity = "docked";
          io.publish(publish());
        });
      }
      io.publish(publish());
    },
  };
}

/** Bedroom humidifier: power, target humidity (30..80 %) and modes, each on its own topic. */
export function customHumidifier(layout: TopicLayout): SimulatedDevice {
  const base = `${layout.namespace}humidifier/bedroom`;
  const state = { power: "OFF", target: 40, mode: "normal", current: 35 };
  const publish = (): Publication[] => [
    { topic: `${base}/power`, payload: state.power, retain: true },
    { topic: `${base}/target`, payload: String(state.target), retain: true },
    { topic: `${base}/mode`, payload: state.mode, retain: true },
    { topic: `${base}/current`, payload: String(state.current), retain: true },
  ];
  const modes = ["normal", "eco", "boost", "sleep"];
  return {
    id: "bedroom_humidifier",
    firmware: "Custom",
    component: "humidifier",
    area: "Bedroom",
    discoveryTopic: `${layout.prefix}/humidifier/bedroom_humidifier/config`,
    config: {
      name: "Humidifier",
      unique_id: "bedroom_humidifier_01",
      device_class: "humidifier",
      command_topic: `${base}/power/set`,
      state_topic: `${base}/power`,
      target_humidity_command_topic: `${base}/target/set`,
      target_humidity_state_topic: `${base}/target`,
      mode_command_topic: `${base}/mode/set`,
      mode_state_topic: `${base}/mode`,
      current_humidity_topic: `${base}/current`,
      modes,
      min_humidity: 30,
      max_humidity: 80,
      availability_topic: `${base}/availability`,
      device: device("bedroom_humidifier_01", "Bedroom Humidifier", "Ultrasonic humidifier", "Bedroom"),
    },
    commandTopics: [`${base}/power/set`, `${base}/target/set`, `${base}/mode/set`],
    availability: { topic: `${base}/availability`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      const value = payload.trim();
      if (topic.endsWith("/power/set")) {
        if (value !== "ON" && value !== "OFF") return;
        state.power = value;
      } else if (topic.endsWith("/target/set")) {
        const n = Number(value);
        if (value === "" || !Number.isInteger(n)) return;
        state.target = clamp(n, 30, 80);
      } else {
        if (!modes.includes(value)) return;
        state.mode = value;
      }
      io.publish(publish());
    },
  };
}

/** Utility room water heater: target temperature, operation mode, power. */
export function customWaterHeater(layout: TopicLayout): SimulatedDevice {
  const base = `${layout.namespace}waterheater/utility`;
  const stateTopic = `${base}/state`;
  const state = { mode: "eco", target: 55, current: 48 };
  const modes = ["eco", "performance", "heat_pump", "off"];
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "water_heater",
    firmware: "Custom",
    component: "water_heater",
    area: "Utility Room",
    discoveryTopic: `${layout.prefix}/water_heater/utility_water_heater/config`,
    config: {
      name: "Water Heater",
      unique_id: "utility_water_heater_01",
      temperature_command_topic: `${base}/target/set`,
      temperature_state_topic: stateTopic,
      temperature_state_template: "{{ value_json.target }}",
      current_temperature_topic: stateTopic,
      current_temperature_template: "{{ value_json.current }}",
      mode_command_topic: `${base}/mode/set`,
      mode_state_topic: stateTopic,
      mode_state_template: "{{ value_json.mode }}",
      modes,
      power_command_topic: `${base}/power/set`,
      min_temp: 40,
      max_temp: 70,
      temperature_unit: "C",
      availability_topic: `${base}/availability`,
      device: device("utility_water_heater_01", "Water Heater", "Heat pump water heater", "Utility Room"),
    },
    commandTopics: [`${base}/target/set`, `${base}/mode/set`, `${base}/power/set`],
    availability: { topic: `${base}/availability`, online: "online", offline: "offline" },
    statePublications: publish,
    state,
    handle(topic, payload, io) {
      const value = payload.trim();
      if (topic.endsWith("/target/set")) {
        const n = Number(value);
        if (value === "" || !Number.isFinite(n)) return;
        state.target = clamp(n, 40, 70);
      } else if (topic.endsWith("/mode/set")) {
        if (!modes.includes(value)) return;
        state.mode = value;
      } else if (value === "ON" || value === "OFF") {
        state.mode = value === "OFF" ? "off" : state.mode === "off" ? "eco" : state.mode;
      } else return;
      io.publish(publish());
    },
  };
}
