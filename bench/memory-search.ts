/**
 * Visual memory search speed: 100,000 synthetic events (ten weeks of a busy
 * home: 6 cameras, 8 areas, zones, 12 labels) written to a real SQLite file
 * in batches as the recorder does, then the searches `hearth events search`,
 * the page and the history questions run (by label, area, zone, time, and
 * combined), each repeated. Prints p50 / p95 / max in ms per query and the
 * write rate, and writes reports/memory-search.json. The target:
 * every search under 50 ms.
 *
 *   node --import tsx bench/memory-search.ts [events=100000]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type EventFilter, type MemoryEvent } from "../agent/memory/store.ts";

const total = Number(process.argv[2] ?? 100_000);
const cameras = [
  { camera: "front", areas: ["Front Yard"], zones: ["driveway", "front door", "path"] },
  { camera: "garden", areas: ["Garden"], zones: ["lawn", "shed"] },
  { camera: "kitchen", areas: ["Kitchen"], zones: ["counter", "table"] },
  { camera: "living", areas: ["Living Room", "Hallway"], zones: ["sofa", "door"] },
  { camera: "garage", areas: ["Garage"], zones: [] },
  { camera: "office", areas: ["Office"], zones: ["desk"] },
];
const labels = ["person", "person", "person", "person", "cat", "dog", "car", "bicycle", "bird", "truck", "motorcycle", "backpack"];
let seed = 20261203;
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const dir = mkdtempSync(join(tmpdir(), "hearth-bench-memory-"));
const store = new MemoryStore(join(dir, "memory.db"));
const end = Date.parse("2026-12-03T12:00:00Z");
const span = 70 * 86_400_000;
const events: MemoryEvent[] = [];
for (let i = 0; i < total; i++) {
  const c = pick(cameras);
  const start = end - span + Math.floor((i / total) * span);
  const zone = c.zones.length && random() < 0.7 ? [pick(c.zones)] : [];
  events.push({
    id: `${(start / 1000).toFixed(3)}-${c.camera}-${i}`, camera: c.camera, label: pick(labels), area: c.areas[0]!, areas: random() < 0.2 ? c.areas : [c.areas[0]!], zones: zone,
    start_ms: start, end_ms: start + 2000 + Math.floor(random() * 300_000), source_start_ms: start, source_end_ms: start + 1, top_score: 0.5 + random() / 2,
    box: [10, 20, 110, 220], stationary: random() < 0.1, snapshot_path: `/snapshots/${i}.jpg`, thumbnail_path: `/snapshots/${i}-thumb.jpg`, snapshot_bytes: 60_000,
  });
}
const t0 = performance.now();
for (let i = 0; i < events.length; i += 50) store.write(events.slice(i, i + 50)); // the recorder's batches
const writeMs = performance.now() - t0;

const day = 86_400_000;
const queries: [string, EventFilter][] = [
  ["newest 100 (page, no filter)", {}],
  ["label person", { label: "person" }],
  ["label cat, area Kitchen", { label: "cat", area: "Kitchen" }],
  ["zone front door, yesterday", { zone: "front door", from_ms: end - 2 * day, to_ms: end - day }],
  ["area Garden, last 24 h", { area: "Garden", from_ms: end - day }],
  ["label dog, area Garden, this morning", { label: "dog", area: "Garden", from_ms: end - 7 * 3_600_000, to_ms: end }],
  ["vehicles (4 labels), last 7 days", { label: ["car", "truck", "bus", "motorcycle"], from_ms: end - 7 * day }],
  ["history: person at front door, 2000 max", { label: "person", zone: "front door", limit: 2000 }],
  ["label horse (none)", { label: "horse" }],
];
const REPEAT = 30;
const results = queries.map(([name, filter]) => {
  const times: number[] = [];
  let found = 0;
  for (let r = 0; r < REPEAT; r++) {
    const s = performance.now();
    found = store.search(filter).length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { query: name, found, p50_ms: +at(0.5).toFixed(2), p95_ms: +at(0.95).toFixed(2), max_ms: +times.at(-1)!.toFixed(2) };
});
store.close();
rmSync(dir, { recursive: true, force: true });

console.log(`${total} events written in ${(writeMs / 1000).toFixed(1)} s (${Math.round(total / (writeMs / 1000))} events/s, batches of 50)`);
console.log("query".padEnd(44), "found".padStart(6), "p50 ms".padStart(8), "p95 ms".padStart(8), "max ms".padStart(8));
for (const r of results) console.log(r.query.padEnd(44), String(r.found).padStart(6), String(r.p50_ms).padStart(8), String(r.p95_ms).padStart(8), String(r.max_ms).padStart(8));
const worst = Math.max(...results.map((r) => r.p95_ms));
console.log(`worst p95: ${worst} ms (target < 50 ms)`);
mkdirSync("reports", { recursive: true });
writeFileSync("reports/memory-search.json", JSON.stringify({ events: total, write_ms: Math.round(writeMs), repeat: REPEAT, results, worst_p95_ms: worst, target_ms: 50 }, null, 2));
