/**
 * A home on a private mosquitto for end-to-end tests: every real discovery
 * message in `../shared/data/mqtt-discovery` retained on the broker as its
 * firmware published it, the simulated home (agent/demo) announcing itself
 * and answering commands like real firmware, and a recorder that sees every
 * message with its QoS and retain flag.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startSimulatedHome, type SimulatedHome } from "../../agent/demo/simulated-devices.ts";
import { DISCOVERY_DIR } from "./discovery-fixtures.ts";
import { Mosquitto, mosquittoAvailable, type MosquittoOptions } from "./mosquitto.ts";
import { MqttRecorder, type RecordedMessage } from "./mqtt-recorder.ts";

/** Why e2e tests cannot run here, or false. */
export const E2E_SKIP: string | false = !mosquittoAvailable()
  ? "mosquitto not installed"
  : !existsSync(DISCOVERY_DIR)
    ? `../shared absent: ${DISCOVERY_DIR} not found`
    : false;

/** One real discovery message: the topic and the payload bytes as the device sent them. */
export interface RealDiscovery {
  file: string;
  topic: string;
  payload: string;
}

/** Every `*.json` in ../shared/data/mqtt-discovery, in file order. */
export function realDiscoveryMessages(): RealDiscovery[] {
  return readdirSync(DISCOVERY_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const doc = JSON.parse(readFileSync(join(DISCOVERY_DIR, file), "utf8")) as { topic: string; payload: unknown };
      return { file, topic: doc.topic, payload: typeof doc.payload === "string" ? doc.payload : JSON.stringify(doc.payload) };
    });
}

export interface E2eHome {
  broker: Mosquitto;
  simulated: SimulatedHome;
  recorder: MqttRecorder;
  /** A message a device would act on: not hearth's own, not discovery, not a device's state or availability. */
  isDeviceCommand(m: RecordedMessage): boolean;
  stop(): Promise<void>;
}

/**
 * Start mosquitto (with `broker` options), retain the real discovery messages
 * (plus `extra` ones) on it, start the simulated home (garage travel 150 ms)
 * and a recorder on `#`. `home.appliances` adds the simulated vacuum, valve,
 * lawn mower, humidifier and water heater.
 */
export async function startE2eHome(extra: { topic: string; payload: string }[] = [], broker: MosquittoOptions = {}, home: { appliances?: boolean } = {}): Promise<E2eHome> {
  const started = await Mosquitto.start(broker);
  return homeOn(started, extra, home.appliances ?? false);
}

async function homeOn(broker: Mosquitto, extra: { topic: string; payload: string }[], appliances: boolean): Promise<E2eHome> {
  const recorder = await MqttRecorder.start(broker.url);
  for (const m of [...realDiscoveryMessages(), ...extra]) await recorder.publish(m.topic, m.payload, { qos: 1, retain: true });
  const simulated = await startSimulatedHome({ url: broker.url, garageTravelMs: 150, appliances });
  const deviceOwnTopics = new Set<string>();
  for (const device of simulated.devices) {
    deviceOwnTopics.add(device.availability.topic);
    for (const p of device.statePublications()) deviceOwnTopics.add(p.topic);
  }
  return {
    broker,
    simulated,
    recorder,
    isDeviceCommand: (m) => !m.topic.startsWith("hearth/") && !m.topic.startsWith("homeassistant/") && !deviceOwnTopics.has(m.topic),
    async stop() {
      await simulated.stop();
      await recorder.close();
      await broker.dispose();
    },
  };
}
