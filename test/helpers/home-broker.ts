/**
 * A private broker with the simulated home on it and an observer subscribed
 * to `#` that records every message, for agent-level tests: what did the
 * agent publish, and nothing else?
 */
import mqtt, { type MqttClient } from "mqtt";
import { startSimulatedHome, type SimulatedHome } from "../../agent/demo/simulated-devices.ts";
import { Mosquitto, type MosquittoOptions } from "./mosquitto.ts";

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
  /** Date.now() at arrival. */
  at: number;
}

/** Records every message on a broker; `until` waits for a condition re-checked at each message. */
export class Observer {
  readonly seen: Seen[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.seen.push({ topic, payload: payload.toString("utf8"), retain: packet.retain, at: Date.now() });
      for (const wake of this.waiters) wake();
    });
  }

  /**
   * Connect to `url` and subscribe to `#`. `persistent`: a fixed client id and
   * a kept session, so the broker queues QoS 1 messages for it while it is away.
   */
  static async connect(url: string, options: { clientId?: string; persistent?: boolean; username?: string; password?: string } = {}): Promise<Observer> {
    const client = await mqtt.connectAsync(url, {
      clientId: options.clientId ?? `hearth-test-observer-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: !options.persistent,
      reconnectPeriod: 50,
      username: options.username,
      password: options.password,
    });
    const observer = new Observer(client);
    await client.subscribeAsync("#", { qos: 1 });
    return observer;
  }

  /** Messages on `topic` (exact) seen so far. */
  on(topic: string): Seen[] {
    return this.seen.filter((m) => m.topic === topic);
  }

  /** Resolve when `check` holds; reject naming `what` after `ms`. */
  until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters.delete(wake);
        resolve();
      };
      // Also poll: some conditions change without a message (a process exiting).
      const poll = setInterval(wake, 50);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.waiters.add(wake);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** A private mosquitto with the simulated home announced on it. */
export async function startHomeBroker(options: MosquittoOptions = {}, credentials: { username?: string; password?: string } = {}): Promise<{ broker: Mosquitto; home: SimulatedHome; url: string }> {
  const broker = await Mosquitto.start(options);
  const auth = credentials.username ? `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password ?? "")}@` : "";
  const home = await startSimulatedHome({ url: `mqtt://${auth}127.0.0.1:${broker.port}`, garageTravelMs: 100 });
  return { broker, home, url: broker.url };
}

/** The simulated home's command topics the tests use. */
export const HOME_TOPICS = {
  kitchenCeiling: "tasmota_4C11AE/cmnd/POWER",
  frontDoorLock: "zigbee2mqtt/front_door_lock/set",
  garageDoor: "garage-node/cover/garage_door/command",
};
