/**
 * The agent side of bench/discovery.ts, in a process of its own so that its
 * memory and CPU profile are the agent's alone: starts the Agent (as `hearth
 * run` does, typed-command topic on) against the bench's broker and reports
 * over IPC when its registry reaches the expected digest, with its peak RSS
 * and heap and the longest event-loop stall. Not run on its own.
 *
 * argv: PORT EXPECTED_DIGEST MAX_WAIT_MS PROBE_ENTITY_ID STATE_MESSAGES
 */
import mqtt from "mqtt";
import { parseConfig } from "../agent/config/load.ts";
import { setLogLevel } from "../agent/log.ts";
import { Agent } from "../agent/service/agent.ts";
import { followDigest } from "./registry-digest.ts";

/** Messages to the parent bench. */
export type AgentReport =
  | { kind: "started"; atMs: number }
  | { kind: "connected"; atMs: number }
  | {
    kind: "done";
    settledAtMs: number | null;
    entities: number;
    disconnects: number;
    peakRssBytes: number;
    peakHeapBytes: number;
    longestStallMs: number;
    /** CPU time (user + system) of the agent process from its start to settled: the figure a loaded machine does not distort. */
    cpuToSettleMs: number;
    stateLatenciesMs: number[];
  };

/** Wall-clock milliseconds comparable between processes (performance.now() is per process). */
export const wallMs = () => performance.timeOrigin + performance.now();

/** Entities at most: the bench's home is beyond the default cap of 5,000. */
export const BENCH_MAX_ENTITIES = 100_000;

const send = (report: AgentReport) => process.send!(report);

if (process.send) {
  const [port, expectedDigest, maxWaitMs, probeId, stateMessages] = process.argv.slice(2);
  setLogLevel("error");
  const config = parseConfig({ mqtt: { port: Number(port) }, agent: { id: "bench" }, homeassistant: { max_entities: BENCH_MAX_ENTITIES } });
  const agent = new Agent(config, { textTopic: true });

  let peakRss = 0;
  let peakHeap = 0;
  const sampleMemory = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const memoryTimer = setInterval(sampleMemory, 20);
  // The longest gap between 10 ms ticks: how long the event loop was held (MQTT.js misses keepalives past 1.5× keepalive).
  let longestStallMs = 0;
  let lastTick = performance.now();
  const stallTimer = setInterval(() => {
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - lastTick - 10);
    lastTick = now;
  }, 10);
  let settledAtMs: number | undefined;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const stopFollowing = followDigest(agent.registry, (digest) => {
    if (digest === expectedDigest && settledAtMs === undefined) {
      settledAtMs = wallMs();
      const cpu = process.cpuUsage(cpuAtStart);
      cpuToSettleMs = (cpu.user + cpu.system) / 1000;
      settle();
    }
  });
  let disconnects = 0;

  const cpuAtStart = process.cpuUsage();
  let cpuToSettleMs = 0;
  send({ kind: "started", atMs: wallMs() });
  await agent.start();
  send({ kind: "connected", atMs: wallMs() });
  agent.session!.on("disconnected", () => disconnects++);
  await Promise.race([settled, new Promise((r) => setTimeout(r, Number(maxWaitMs)).unref())]);
  stopFollowing();
  clearInterval(stallTimer);
  clearInterval(memoryTimer);
  sampleMemory();

  // State publish → registry change on the probe light, one at a time, after settling.
  const stateLatenciesMs: number[] = [];
  const light = agent.registry.get(probeId!);
  if (light && settledAtMs !== undefined) {
    const client = await mqtt.connectAsync({ host: "127.0.0.1", port: Number(port), clientId: "bench-state", reconnectPeriod: 0 });
    const topic = String(light.config!.state_topic);
    for (let i = 0; i < Number(stateMessages); i++) {
      const on = i % 2 === 0;
      const changed = new Promise<void>((resolve) => {
        const listener = (id: string) => {
          if (id !== light.id || agent.registry.get(id)!.state !== (on ? "on" : "off")) return;
          agent.registry.off("change", listener);
          resolve();
        };
        agent.registry.on("change", listener);
      });
      const start = performance.now();
      client.publish(topic, JSON.stringify({ state: on ? "ON" : "OFF" }), { qos: 0 });
      await changed;
      stateLatenciesMs.push(performance.now() - start);
    }
    await client.endAsync();
  }
  send({
    kind: "done",
    settledAtMs: settledAtMs ?? null,
    entities: agent.registry.all().length,
    disconnects,
    peakRssBytes: peakRss,
    peakHeapBytes: peakHeap,
    longestStallMs,
    cpuToSettleMs,
    stateLatenciesMs,
  });
  // Typed commands still queued in the controller would hold stop() up; the figures are sent.
  await Promise.race([agent.stop(), new Promise((r) => setTimeout(r, 3000))]);
  process.exit(0);
}
