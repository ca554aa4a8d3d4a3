/**
 * Text-to-publish latency through a real broker: a private mosquitto holding
 * the real discovery messages of ../shared/data/mqtt-discovery and the
 * simulated home, `hearth run` as a child process (the service as deployed),
 * and a client that publishes typed commands on `hearth/<id>/text` (as HA's
 * text entity does) and timestamps the device command arriving on the broker.
 * One command at a time (the next after the previous one's event line), so
 * each figure is the unloaded end-to-end time: MQTT in, recognition,
 * resolution, encoding, MQTT out. Times in ms (performance.now()).
 *
 * mosquitto's default (`set_tcp_nodelay false`) leaves Nagle's algorithm on
 * its sockets: a small message to hearth can wait for the ACK of the previous
 * one (Linux delays ACKs up to 40 ms), so both settings are measured.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startE2eHome } from "../test/helpers/e2e-home.ts";
import { HearthProcess, writeConfigFile } from "../test/helpers/hearth-cli.ts";

/** Typed commands and the topic each must publish to (no lock or garage: those wait for a yes). */
const COMMANDS: [text: string, topic: string][] = [
  ["turn on the coffee machine", "zigbee2mqtt/coffee_machine/set"],
  ["turn off the coffee machine", "zigbee2mqtt/coffee_machine/set"],
  ["set the living room blinds to 40%", "zigbee2mqtt/living_room_blinds/set"],
  ["turn on the lights in the kitchen", "tasmota_4C11AE/cmnd/POWER"],
  ["set the living room lamp to blue", "living-room-node/light/lamp/command"],
  ["set the TS0601 thermostat to 21 degrees", "zigbee2mqtt/TS0601_thermostat/set/current_heating_setpoint"],
  ["turn off the bulb", "zigbee2mqtt/bulb/set"],
  ["set the bulb brightness to 30%", "zigbee2mqtt/bulb/set"],
  ["set the smart vent to 60%", "zigbee2mqtt/smart vent/set"],
  ["turn on the bedroom fan", "bedroom-node/fan/ceiling_fan/command"],
];

export interface LatencyReport {
  /** Commands measured (after `warmup` unmeasured ones). */
  n: number;
  warmup: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  maxMs: number;
  minMs: number;
  broker: string;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * Measure `n` typed commands end to end.
 * @throws Error when a command does not publish to its expected topic within 5 s.
 */
export async function measureTextToPublishLatency(n: number, options: { tcpNoDelay: boolean; warmup?: number }): Promise<LatencyReport> {
  const warmup = options.warmup ?? 10;
  const home = await startE2eHome([], options.tcpNoDelay ? { listenerLines: ["set_tcp_nodelay true"] } : {});
  const id = "bench-latency";
  const socket = join(mkdtempSync(join(tmpdir(), "hearth-bench-")), "status.sock");
  const config = writeConfigFile([`agent: { id: ${id} }`, `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`, `service: { status_socket: ${socket} }`]);
  const service = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "warn" });
  const samples: number[] = [];
  try {
    await service.waitUntilReady(socket, 25);
    const { recorder } = home;
    for (let i = 0; i < warmup + n; i++) {
      const [text, topic] = COMMANDS[i % COMMANDS.length]!;
      const mark = recorder.mark();
      const sent = performance.now();
      await recorder.publish(`hearth/${id}/text`, text, { qos: 0 });
      const command = await recorder.next(mark, home.isDeviceCommand, `the command for "${text}"`);
      if (command.topic !== topic) throw new Error(`"${text}" published to ${command.topic}, expected ${topic}`);
      if (i >= warmup) samples.push(command.at - sent);
      // The event line closes the command session; the next command starts from idle.
      await recorder.next(mark, (m) => m.topic === `hearth/${id}/events`, `the event line for "${text}"`);
    }
  } finally {
    await service.stop();
    await home.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    n,
    warmup,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    maxMs: round(sorted[sorted.length - 1]!),
    minMs: round(sorted[0]!),
    broker: `private mosquitto on 127.0.0.1 (${options.tcpNoDelay ? "set_tcp_nodelay true" : "default config: Nagle on"}), hearth run as a child process`,
  };
}

/** The service just after start-up, while the fallback recognizer is being trained (agent.prepareFallback). */
export interface StartupReport {
  /** Typed commands the templates match, sent one after another as soon as the service is ready: ms each, command → device command. */
  strictMs: number[];
  /** A command only the fallback reads (a typo and an unknown word), sent right after them: ms until its event line. */
  firstFallbackMs: number;
  /** The fallback's decision on it. */
  fallbackDecision: string;
}

/**
 * Start `hearth run` and, as soon as it is ready, send template commands and
 * then one the fallback must read: the template commands must not wait for
 * the fallback's training (it runs on a worker thread), and the fallback
 * command waits only for what is left of it.
 */
export async function measureStartup(): Promise<StartupReport> {
  const home = await startE2eHome([], { listenerLines: ["set_tcp_nodelay true"] });
  const id = "bench-startup";
  const socket = join(mkdtempSync(join(tmpdir(), "hearth-bench-")), "status.sock");
  const config = writeConfigFile([`agent: { id: ${id} }`, `mqtt: { host: 127.0.0.1, port: ${home.broker.port} }`, `service: { status_socket: ${socket} }`]);
  const service = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "warn" });
  const strictMs: number[] = [];
  try {
    await service.waitUntilReady(socket, 25);
    const { recorder } = home;
    for (const [text, topic] of COMMANDS.slice(0, 5)) {
      const mark = recorder.mark();
      const sent = performance.now();
      await recorder.publish(`hearth/${id}/text`, text, { qos: 0 });
      const command = await recorder.next(mark, home.isDeviceCommand, `the command for "${text}"`, 30_000);
      if (command.topic !== topic) throw new Error(`"${text}" published to ${command.topic}, expected ${topic}`);
      strictMs.push(Math.round((command.at - sent) * 100) / 100);
      await recorder.next(mark, (m) => m.topic === `hearth/${id}/events`, `the event line for "${text}"`, 30_000);
    }
    const mark = recorder.mark();
    const sent = performance.now();
    await recorder.publish(`hearth/${id}/text`, "turn off the cofee machine olly", { qos: 0 });
    const event = await recorder.next(mark, (m) => m.topic === `hearth/${id}/events`, "the event line of the fallback command", 60_000);
    const decision = (JSON.parse(event.text) as { decision?: string }).decision ?? "?";
    return { strictMs, firstFallbackMs: Math.round(event.at - sent), fallbackDecision: decision };
  } finally {
    await service.stop();
    await home.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // npx tsx bench/text-latency.ts: the start-up figures, then the steady-state latency (Nagle off).
  const startup = await measureStartup();
  console.log(`Start-up: template commands right after ready ${startup.strictMs.join(", ")} ms; first fallback command (${startup.fallbackDecision}) ${startup.firstFallbackMs} ms to its event line`);
  const steady = await measureTextToPublishLatency(50, { tcpNoDelay: true });
  console.log(`Steady state (${steady.broker}): p50 ${steady.p50Ms} ms, p95 ${steady.p95Ms} ms, max ${steady.maxMs} ms over ${steady.n}`);
}
