/**
 * A robot vacuum running Valetudo, as its MQTT integration announces it to
 * Home Assistant: the state-schema vacuum with Valetudo's command payloads
 * (START, PAUSE, STOP, HOME) on the BasicControlCapability operation topic,
 * availability `ready`/`lost` on `valetudo/<id>/$state`, and its status as a
 * retained JSON object (`state`, `fan_speed`, `battery_level`).
 */
import type { Publication, SimulatedDevice, SimulationOptions, TopicLayout } from "./device.ts";

/** Living room robot vacuum. */
export function valetudoVacuum(layout: TopicLayout, options: SimulationOptions): SimulatedDevice {
  const base = `${layout.namespace}valetudo/RoboRock`;
  const commandTopic = `${base}/BasicControlCapability/operation/set`;
  const stateTopic = `${base}/hass/RoboRock_vacuum/state`;
  const state = { state: "docked", fan_speed: "medium", battery_level: 100 };
  let trip = 0;
  const publish = (): Publication[] => [{ topic: stateTopic, payload: JSON.stringify(state), retain: true }];
  return {
    id: "robot_vacuum",
    firmware: "Valetudo",
    component: "vacuum",
    area: "Living Room",
    discoveryTopic: `${layout.prefix}/vacuum/RoboRock/RoboRock_vacuum/config`,
    config: {
      name: null,
      unique_id: "RoboRock_vacuum",
      object_id: "valetudo_roborock",
      supported_features: ["start", "stop", "pause", "return_home", "battery", "status", "fan_speed"],
      state_topic: stateTopic,
      command_topic: commandTopic,
      payload_start: "START",
      payload_pause: "PAUSE",
      payload_return_to_base: "HOME",
      payload_stop: "STOP",
      set_fan_speed_topic: `${base}/FanSpeedControlCapability/preset/set`,
      fan_speed_list: ["low", "medium", "high", "max"],
      availability_topic: `${base}/$state`,
      payload_available: "ready",
      payload_not_available: "lost",
      device: {
        manufacturer: "Roborock",
        model: "S5",
        name: "Robot Vacuum",
        identifiers: ["RoboRock"],
        sw_version: "Valetudo 2024.06.0",
        suggested_area: "Living Room",
      },
    },
    commandTopics: [commandTopic],
    availability: { topic: `${base}/$state`, online: "ready", offline: "lost" },
    statePublications: publish,
    state,
    handle(_topic, payload, io) {
      const next = { START: "cleaning", PAUSE: "paused", STOP: "idle", HOME: "returning" }[payload.trim()];
      if (!next) return;
      const thisTrip = ++trip;
      state.state = next;
      io.publish(publish());
      if (next === "returning") {
        io.later(options.garageTravelMs, () => {
          if (thisTrip !== trip) return; // a later command superseded the trip home
          state.state = "docked";
          io.publish(publish());
        });
      }
    },
  };
}
