/**
 * An MQTT 5 subscriber that records every message it sees with the QoS and
 * retain flag as published: it subscribes with QoS 2 (so a message keeps its
 * own QoS) and "retain as published" (so a live message published with the
 * retain flag still shows it), and timestamps each arrival
 * (performance.now(), ms).
 */
import mqtt, { type MqttClient } from "mqtt";

export interface RecordedMessage {
  topic: string;
  payload: Buffer;
  /** The payload decoded as UTF-8 (lossy), for assertions. */
  text: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** Arrival time, performance.now() in ms. */
  at: number;
}

export class MqttRecorder {
  readonly messages: RecordedMessage[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on("message", (topic, payload, packet) => {
      this.messages.push({ topic, payload, text: payload.toString("utf8"), qos: packet.qos, retain: packet.retain, at: performance.now() });
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Connect to `url` and subscribe to `filters` (default everything). */
  static async start(url: string, filters: string[] = ["#"]): Promise<MqttRecorder> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 5,
      clientId: `hearth-test-recorder-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 0,
    });
    // Nagle off, as hearth's own session does, so a publish is not held back waiting for an ACK (timing).
    (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
    const recorder = new MqttRecorder(client);
    await client.subscribeAsync(filters, { qos: 2, rap: true });
    return recorder;
  }

  /** An index into `messages`: what arrives from now on is `since(mark)`. */
  mark(): number {
    return this.messages.length;
  }

  since(mark: number, keep: (m: RecordedMessage) => boolean = () => true): RecordedMessage[] {
    return this.messages.slice(mark).filter(keep);
  }

  /** Resolve when `check()` holds, re-checked on every message; reject after `ms`. */
  until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const wake = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
    });
  }

  /** The first message after `mark` that satisfies `keep`, waiting up to `ms` for it. */
  async next(mark: number, keep: (m: RecordedMessage) => boolean, what: string, ms = 5000): Promise<RecordedMessage> {
    await this.until(() => this.since(mark, keep).length > 0, what, ms);
    return this.since(mark, keep)[0]!;
  }

  async publish(topic: string, payload: string | Buffer, options: { qos?: 0 | 1 | 2; retain?: boolean } = {}): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
