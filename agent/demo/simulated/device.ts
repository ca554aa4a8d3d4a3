/**
 * The shape of a simulated device: its Home Assistant announcement (the
 * discovery payload its real firmware publishes, in that firmware's own key
 * style), the topics it listens to, and how it answers a command by
 * publishing its new state, as the firmware's documented MQTT API does.
 */
import type { Domain } from "../../../devices/entity.ts";

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

/** `Custom`: a discovery config written by hand, as users publish for firmware without HA discovery of its own. */
export type Firmware = "Tasmota" | "Zigbee2MQTT" | "ESPHome" | "Valetudo" | "Custom";

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
  /** How long the garage door takes to open or close, in ms (also the vacuum's and mower's trip back to base). */
  garageTravelMs: number;
}

/** A JSON object payload, or undefined for anything else (firmware ignores those). */
export function parseJson(payload: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** x limited to lo..hi. */
export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

