/**
 * Scene-rules engine throughput: a busy home (6 areas, 3 zones each, people
 * coming and going) replayed through 60 rules of every trigger kind with
 * conditions. Prints per-event latency (mean, p50, p99, max in µs) and
 * events per second, and writes reports/rules-engine.json.
 *
 *   node --import tsx bench/rules-engine.ts [events=200000]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseConfig } from "../agent/config/load.ts";
import { RuleEngine } from "../agent/rules/engine.ts";
import type { SceneEvent } from "../agent/rules/scene-events.ts";
import { EntityRegistry } from "../devices/registry.ts";

const total = Number(process.argv[2] ?? 200_000);
const areas = ["Kitchen", "Living Room", "Hall", "Office", "Bedroom", "Garage"];
const zones = ["door", "sofa", "desk"];

const rules = areas.flatMap((area, i) => [
  { id: `occ_${i}`, trigger: { occupied: area }, conditions: [{ sun: "below_horizon" }], actions: [{ intent: "HassTurnOn", slots: { area } }] },
  { id: `occ_for_${i}`, trigger: { occupied: area, for: "2 min" }, actions: [{ intent: "HassTurnOn", slots: { area, domain: "fan" } }] },
  { id: `vac_${i}`, trigger: { vacated: area }, actions: [{ intent: "HassTurnOff", slots: { area, domain: "light" } }] },
  { id: `vac_for_${i}`, trigger: { vacated: area, for: "10 min" }, actions: [{ intent: "HassTurnOff", slots: { area } }], cooldown: "5 min" },
  { id: `ent_${i}`, trigger: { entered: area, zone: "door" }, conditions: [{ after: "18:00", before: "07:00" }], actions: [{ mqtt: { topic: `home/${i}/chime`, payload: "ding" } }] },
  { id: `ent_area_${i}`, trigger: { entered: area }, conditions: [{ entity: "light.x", state: "off" }], actions: [{ intent: "HassTurnOn" }] },
  { id: `count_${i}`, trigger: { count: area, at_least: 3 }, actions: [{ intent: "HassTurnOn", slots: { name: "party" } }] },
  { id: `dwell_${i}`, trigger: { dwell: area, zone: "sofa", at_least: "5 min" }, actions: [{ intent: "HassLightSet", slots: { area, brightness: 20 } }] },
  { id: `dwell_area_${i}`, trigger: { dwell: area, at_least: "20 min" }, actions: [{ intent: "HassTurnOn" }] },
  { id: `cat_${i}`, trigger: { entered: area, label: "cat" }, actions: [{ intent: "HassTurnOn" }] },
]);
const config = parseConfig({ location: { latitude: 52.37, longitude: 4.9, time_zone: "Europe/Amsterdam" }, rules });
const engine = new RuleEngine(config.rules, { registry: new EntityRegistry(), location: config.location });

// Deterministic pseudo-random walk (LCG, Numerical Recipes constants) of people between areas and zones.
let seed = 12345;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const people = Array.from({ length: 8 }, (_, id) => ({ id, area: -1, zone: -1 }));
const counts = new Array<number>(areas.length).fill(0);
let t = Date.parse("2026-06-21T16:00:00Z");
const events: SceneEvent[] = [];
while (events.length < total) {
  t += Math.round(random() * 20_000);
  const p = people[Math.floor(random() * people.length)]!;
  if (p.area >= 0) {
    events.push({ type: "track_leave", camera: `cam${p.area}`, area: areas[p.area]!, zone: zones[p.zone]!, label: "person", track_id: p.id, t_ms: t });
    counts[p.area]!--;
    events.push({ type: "occupancy", area: areas[p.area]!, label: "person", occupied: counts[p.area]! > 0, count: counts[p.area]!, t_ms: t });
    p.area = -1;
  } else {
    p.area = Math.floor(random() * areas.length);
    p.zone = Math.floor(random() * zones.length);
    events.push({ type: "track_enter", camera: `cam${p.area}`, area: areas[p.area]!, zone: zones[p.zone]!, label: "person", track_id: p.id, t_ms: t });
    counts[p.area]!++;
    events.push({ type: "occupancy", area: areas[p.area]!, label: "person", occupied: true, count: counts[p.area]!, t_ms: t });
  }
}

const latencies = new Float64Array(events.length);
let firings = 0;
const start = process.hrtime.bigint();
for (let i = 0; i < events.length; i++) {
  const t0 = process.hrtime.bigint();
  firings += engine.handle(events[i]!).length;
  latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const sorted = [...latencies].sort((a, b) => a - b);
const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const report = {
  rules: config.rules.length,
  events: events.length,
  firings,
  simulated_hours: (t - Date.parse("2026-06-21T16:00:00Z")) / 3_600_000,
  events_per_s: Math.round(events.length / seconds),
  latency_us: { mean: +(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(1), p50: +pct(0.5).toFixed(1), p99: +pct(0.99).toFixed(1), max: +sorted.at(-1)!.toFixed(1) },
  rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
  node: process.version,
};
console.log(JSON.stringify(report, null, 2));
mkdirSync("reports", { recursive: true });
writeFileSync("reports/rules-engine.json", JSON.stringify(report, null, 2) + "\n");
