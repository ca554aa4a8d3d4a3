/**
 * Two hearths started with the same agent id share the client id
 * `hearth-<id>`: the broker closes the older connection whenever the other
 * connects, and both reconnect forever with nothing in the log but
 * "connection closed" (mosquitto 2.0 closes the socket without MQTT 5's
 * reason code 142, Session taken over).
 *
 * So each instance announces itself, retained, on `hearth/<id>/instance`
 * (instance id, pid, host, start time) on every connect. An instance that
 * receives another's announcement newer than its own start has been taken
 * over: it says so once, naming the other, and stops reconnecting, leaving
 * the broker to the newer one. An older announcement is a dead instance's
 * leftover (or the older twin, which yields when it reads ours).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { MqttSession } from "../../devices/mqtt/session.ts";

/** What one hearth process says about itself on the instance topic. */
export interface InstanceAnnouncement {
  instance: string;
  pid: number;
  host: string;
  /** Start time of the process, ms since the epoch. */
  started: number;
}

/** Whether `other` took over from `own`: the newer instance wins; equal start times are broken by instance id. */
export function takenOverBy(own: InstanceAnnouncement, other: InstanceAnnouncement): boolean {
  if (other.instance === own.instance) return false;
  return other.started > own.started || (other.started === own.started && other.instance > own.instance);
}

function parseAnnouncement(payload: Buffer): InstanceAnnouncement | undefined {
  try {
    const value = JSON.parse(payload.toString("utf8")) as Partial<InstanceAnnouncement>;
    if (typeof value.instance !== "string" || typeof value.started !== "number") return undefined;
    return { instance: value.instance, pid: Number(value.pid) || 0, host: String(value.host ?? "?"), started: value.started };
  } catch {
    return undefined;
  }
}

/** How long to wait for the retained announcement after (re)subscribing before announcing ourselves. */
const READ_WAIT_MS = 500;

/**
 * Watches the instance topic of one agent id on a session.
 * `onTakenOver` is called at most once, with the newer instance; the caller
 * closes the session (without publishing `offline`: the other one is online).
 *
 * The session subscribes every filter again on each connect (so the broker
 * sends the retained announcement even when it resumed a persistent session);
 * ours is published only after that read, or READ_WAIT_MS without one: an
 * instance must see who announced last before it overwrites it.
 */
export class TakeoverWatch {
  readonly own: InstanceAnnouncement;
  private takenOver = false;
  private awaitingRead = false;
  private readTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private readonly onConnected = () => this.read();

  constructor(
    private readonly session: MqttSession,
    private readonly topic: string,
    private readonly onTakenOver: (other: InstanceAnnouncement) => void,
    own: Partial<InstanceAnnouncement> = {},
  ) {
    this.own = { instance: randomUUID(), pid: process.pid, host: hostname(), started: Date.now(), ...own };
  }

  /** Read and announce now (when connected) and on every later connect. */
  start(): void {
    this.unsubscribe = this.session.subscribe(this.topic, (message) => this.onAnnouncement(message.payload), { qos: 1 });
    this.session.on("connected", this.onConnected);
    if (this.session.connected) this.read();
  }

  private read(): void {
    if (this.takenOver) return;
    this.awaitingRead = true;
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.readDone(), READ_WAIT_MS);
    this.readTimer.unref();
  }

  private onAnnouncement(payload: Buffer): void {
    const other = parseAnnouncement(payload);
    if (!other || this.takenOver) return;
    if (takenOverBy(this.own, other)) {
      this.takenOver = true;
      this.stop();
      this.onTakenOver(other);
    } else if (this.awaitingRead || other.instance !== this.own.instance) this.readDone();
  }

  private readDone(): void {
    this.awaitingRead = false;
    clearTimeout(this.readTimer);
    if (this.takenOver || !this.session.connected) return;
    void this.session.publish({ topic: this.topic, payload: JSON.stringify(this.own), qos: 1, retain: true }).catch(() => undefined);
  }

  stop(): void {
    clearTimeout(this.readTimer);
    this.session.off("connected", this.onConnected);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
