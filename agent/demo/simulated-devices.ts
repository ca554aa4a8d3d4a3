/**
 * Runs the simulated home on an MQTT broker: one MQTT.js client connects,
 * publishes every device's availability, retained discovery config and
 * retained state (the order real devices follow after boot), subscribes to
 * the devices' command topics and lets each device answer its commands.
 * Like Zigbee2MQTT, Tasmota and ESPHome, the devices announce themselves
 * again when Home Assistant publishes `online` on `<prefix>/status`.
 */
import mqtt, { type MqttClient } from "mqtt";
import { logger } from "../log.ts";
import type { Publication, SimulatedDevice, SimulationOptions, TopicLayout } from "./simulated/device.ts";
import { customHumidifier, customLawnMower, customWaterHeater } from "./simulated/custom.ts";
import { esphomeFan, esphomeGarageDoor, esphomeRgbLamp, esphomeValve } from "./simulated/esphome.ts";
import { tasmotaCeilingLight } from "./simulated/tasmota.ts";
import { valetudoVacuum } from "./simulated/valetudo.ts";
import { z2mBlinds, z2mLock, z2mPlug, z2mThermostat } from "./simulated/zigbee2mqtt.ts";

export type { Publication, SimulatedDevice } from "./simulated/device.ts";

const log = logger("agent/demo/simulated-devices");

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

/**
 * Appliances a home may add to the demo home: a Valetudo robot vacuum, an
 * ESPHome irrigation valve, and hand-written HA configs for a lawn mower, a
 * humidifier and a water heater (Living Room, Garden, Bedroom, Utility Room).
 */
export function createApplianceDevices(layout: TopicLayout, options: SimulationOptions): SimulatedDevice[] {
  return [valetudoVacuum(layout, options), esphomeValve(layout, options), customLawnMower(layout, options), customHumidifier(layout), customWaterHeater(layout)];
}

export interface SimulatedHomeOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  /** Home Assistant discovery prefix the devices announce under (default `homeassistant`). */
  prefix?: string;
  /**
   * Prepended to every device topic (`zigbee2mqtt/...`, `tasmota_.../`,
   * `<node>/...`), so that several homes can share one broker (tests). Default "".
   */
  namespace?: string;
  /** Garage door travel time in ms (default 1500). */
  garageTravelMs?: number;
  /** Also announce the appliances (createApplianceDevices); default false, the eight demo devices only. */
  appliances?: boolean;
}

export interface SimulatedHome {
  devices: SimulatedDevice[];
  /**
   * Go offline: publish each availability topic's offline payload (what the
   * firmware's last will says), then disconnect. With `forget`, instead clear
   * every retained availability, discovery config and state (empty retained
   * payloads — HA's way to delete entities), leaving the broker as it was.
   */
  stop(options?: { forget?: boolean }): Promise<void>;
}

function publishAsync(client: MqttClient, p: Publication): Promise<void> {
  return new Promise((resolve, reject) => {
    client.publish(p.topic, p.payload, { qos: 1, retain: p.retain }, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Connect to `url`, announce the devices and answer their commands.
 * @throws Error naming the URL when the broker cannot be reached within 10 s.
 */
export async function startSimulatedHome(options: SimulatedHomeOptions): Promise<SimulatedHome> {
  const layout = { prefix: options.prefix ?? "homeassistant", namespace: options.namespace ?? "" };
  const simulation = { garageTravelMs: options.garageTravelMs ?? 1500 };
  const devices = [...createSimulatedDevices(layout, simulation), ...(options.appliances ? createApplianceDevices(layout, simulation) : [])];
  const client = mqtt.connect(options.url, {
    clientId: `hearth-simulated-home-${Math.random().toString(16).slice(2, 10)}`,
    connectTimeout: 10_000,
    reconnectPeriod: 1000,
  });
  let connectTimer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", (err) => reject(err));
      connectTimer = setTimeout(() => reject(new Error("no CONNACK within 10 s")), 10_000);
    });
    clearTimeout(connectTimer);
  } catch (err) {
    clearTimeout(connectTimer);
    client.end(true);
    throw new Error(`simulated home: cannot connect to ${options.url}: ${(err as Error).message}`);
  }

  const timers = new Set<NodeJS.Timeout>();
  const byTopic = new Map<string, SimulatedDevice>();
  for (const device of devices) for (const topic of device.commandTopics) byTopic.set(topic, device);
  const send = (publications: Publication[]) => {
    for (const p of publications) {
      client.publish(p.topic, p.payload, { qos: 1, retain: p.retain }, (err) => {
        if (err) log.warn({ topic: p.topic, err: err.message }, "state publish failed");
      });
    }
  };
  const statusTopic = `${layout.prefix}/status`;
  const availability = new Map(devices.map((d) => [d.availability.topic, d.availability]));
  const announce = async () => {
    for (const a of availability.values()) await publishAsync(client, { topic: a.topic, payload: a.online, retain: true });
    for (const device of devices) {
      await publishAsync(client, { topic: device.discoveryTopic, payload: JSON.stringify(device.config), retain: true });
    }
    for (const device of devices) for (const p of device.statePublications()) await publishAsync(client, p);
  };
  client.on("message", (topic, payload) => {
    if (topic === statusTopic) {
      if (payload.toString() === "online") {
        announce().catch((err: Error) => log.warn({ err: err.message }, "re-announce failed"));
      }
      return;
    }
    const device = byTopic.get(topic);
    if (!device) return;
    log.debug({ device: device.id, topic, payload: payload.toString() }, "command");
    device.handle(topic, payload.toString(), {
      publish: send,
      later(ms, action) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          action();
        }, ms);
        timers.add(timer);
      },
    });
  });

  await announce();
  await client.subscribeAsync([...byTopic.keys(), statusTopic], { qos: 1 });
  log.info({ devices: devices.map((d) => d.id), prefix: layout.prefix }, "simulated home announced");

  return {
    devices,
    async stop(stopOptions = {}) {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      if (client.connected && stopOptions.forget) {
        const retained = new Set<string>(availability.keys());
        for (const device of devices) {
          retained.add(device.discoveryTopic);
          for (const p of device.statePublications()) if (p.retain) retained.add(p.topic);
        }
        for (const topic of retained) await publishAsync(client, { topic, payload: "", retain: true });
      } else if (client.connected) {
        for (const a of availability.values()) await publishAsync(client, { topic: a.topic, payload: a.offline, retain: true });
      }
      await client.endAsync();
    },
  };
}
