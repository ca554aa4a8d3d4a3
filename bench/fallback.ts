/**
 * The fallback recognizer (agent/intent/fallback/) on its own:
 * - Home Assistant's in-scope English test sentences (ha-en-dev.jsonl, their
 *   fixtures) read by the fallback alone, scored by effect (the entities and
 *   actions the resolver picks for its reading against those of the expected
 *   intent and slots), with the calibration's reliability: the expected
 *   calibration error and the share right per confidence band;
 * - build times: the model (training, once per set of templates), the
 *   calibration (once per order of magnitude of names), and the rebuild for a
 *   registry change, on a generated 1,000-entity home;
 * - the time per fallback reading.
 * Prints the figures and writes reports/fallback.md.
 *
 * Run: npx tsx bench/fallback.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expectedCalibrationError } from "../agent/intent/fallback/calibration.ts";
import { cpuMs, trainModel } from "../agent/intent/fallback/model.ts";
import { FallbackRecognizer } from "../agent/intent/fallback/recognizer.ts";
import type { RecognizedIntent } from "../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../agent/intent/sentence-set.ts";
import { resolveIntent, type Resolution } from "../agent/resolve/resolver.ts";
import { loadFixtures } from "../devices/fixtures.ts";
import type { Domain } from "../devices/entity.ts";
import { EntityRegistry } from "../devices/registry.ts";
import { IN_SCOPE_INTENTS, loadIntentTestSet } from "./intents-eval.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "..", "shared", "data", "intents");

function effect(r: Resolution): string {
  if (r.kind === "act") return JSON.stringify(["act", r.intent, r.targets.map((t) => [t.entity.id, t.action]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))]);
  if (r.kind === "answer") return JSON.stringify(["answer", r.intent, r.answer]);
  if (r.kind === "clarify") return JSON.stringify(["clarify", r.intent, r.candidates.map((c) => c.id).sort()]);
  return JSON.stringify([r.kind]);
}

const set = loadIntentTestSet(dataDir);
const registry = loadFixtures(join(dataDir, "ha-en-fixtures.yaml"));
const fallback = new FallbackRecognizer(buildSentenceSet(registry, []));
const predictions: { confidence: number; right: boolean }[] = [];
let total = 0;
let right = 0;
let readMs = 0;
for (const c of set.cases) {
  if (!IN_SCOPE_INTENTS.includes(c.intent) || c.intent === "HassNevermind") continue;
  total++;
  const expected: RecognizedIntent = { intent: c.intent, slots: c.slots as RecognizedIntent["slots"], confidence: 1, unknownSlots: [], sentence: "(test)", text: c.text };
  const started = performance.now();
  const [top] = fallback.recognize(c.text, c.context);
  readMs += performance.now() - started;
  const ok = top !== undefined && effect(resolveIntent(FallbackRecognizer.asRecognized(top, c.text), registry, c.context)) === effect(resolveIntent(expected, registry, c.context));
  if (ok) right++;
  if (top) predictions.push({ confidence: top.confidence, right: ok });
}
const bands = [0, 0.4, 0.6, 0.8, 0.9, 1.01].slice(0, -1).map((lo, i, a) => {
  const hi = [0.4, 0.6, 0.8, 0.9, 1.01][i]!;
  const inBand = predictions.filter((p) => p.confidence >= lo && p.confidence < hi);
  const share = inBand.length ? inBand.filter((p) => p.right).length / inBand.length : NaN;
  return `| ${lo.toFixed(1)}–${Math.min(hi, 1).toFixed(1)} | ${inBand.length} | ${Number.isNaN(share) ? "-" : (100 * share).toFixed(0) + " %"} |`;
});

// A 1,000-entity home: 50 areas with 20 devices each.
const big = new EntityRegistry();
const kinds: [string, Domain][] = [["Light", "light"], ["Lamp", "light"], ["Plug", "switch"], ["Fan", "fan"], ["Heater", "switch"], ["Desk Lamp", "light"], ["Ceiling Light", "light"], ["Strip", "light"], ["Speaker Plug", "switch"], ["Kettle", "switch"]];
for (let a = 0; a < 50; a++) big.addArea({ id: `area_${a}`, name: `Room ${a}`, aliases: [] });
for (let i = 0; i < 1000; i++) {
  const [kind, domain] = kinds[i % kinds.length]!;
  const area = `Room ${Math.floor(i / 20)}`;
  big.upsert({ id: `${domain}.device_${i}`, domain, name: `${area} ${kind} ${Math.floor(i / 10) % 2 ? "North" : "South"}`, aliases: [], area, attributes: {}, available: true, source: "bench", readOnly: true });
}
const trained = trainModel(buildSentenceSet(big, []));
let started = performance.now();
let cpu = process.cpuUsage();
const bigFallback = new FallbackRecognizer(buildSentenceSet(big, []), trained);
const firstBuildMs = performance.now() - started;
const firstBuildCpuMs = cpuMs(process.cpuUsage(cpu));
big.upsert({ id: "light.new_one", domain: "light", name: "Room 3 Reading Lamp", aliases: [], area: "Room 3", attributes: {}, available: true, source: "bench", readOnly: true });
const changedSet = buildSentenceSet(big, []);
started = performance.now();
cpu = process.cpuUsage();
const rebuilt = new FallbackRecognizer(changedSet, trained);
const rebuildMs = performance.now() - started;
const rebuildCpuMs = cpuMs(process.cpuUsage(cpu));
started = performance.now();
for (let i = 0; i < 200; i++) rebuilt.recognize(`turn of the room ${i % 50} desk lamp south`, {});
const bigReadMs = (performance.now() - started) / 200;
void bigFallback;
const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
const lines = [
  `Machine load average while measuring: ${load} (on ${(await import("node:os")).cpus().length} cores)`,
  `HA dev in-scope sentences read by the fallback alone: ${right}/${total} = ${((100 * right) / total).toFixed(1)} % right by effect; ${predictions.length} read at all`,
  `Calibration on them: expected calibration error ${expectedCalibrationError(predictions).toFixed(3)} (10 bins)`,
  `Model training (once per set of templates, independent of the registry): ${trained.trainMs.toFixed(0)} ms wall, ${trained.trainCpuMs.toFixed(0)} ms CPU; ${trained.labels.length} labels, ${trained.vocabulary.size} words`,
  `1,000-entity home: first build with its calibration ${firstBuildMs.toFixed(0)} ms wall, ${firstBuildCpuMs.toFixed(0)} ms CPU (calibration ${bigFallback.calibration.ms.toFixed(0)} ms on ${bigFallback.calibration.examples} examples); rebuild after one entity is added ${rebuildMs.toFixed(0)} ms wall, ${rebuildCpuMs.toFixed(0)} ms CPU; ${bigReadMs.toFixed(2)} ms per reading`,
  `Fallback time per sentence (HA fixtures): ${(readMs / Math.max(1, total)).toFixed(2)} ms (${total} sentences, first pass)`,
];
console.log(lines.join("\n"));
console.log(["| confidence | readings | right |", "|---|---:|---:|", ...bands].join("\n"));
mkdirSync(join(root, "reports"), { recursive: true });
writeFileSync(join(root, "reports", "fallback.md"), ["# Fallback recognizer", "", ...lines.map((l) => `- ${l}`), "", "| confidence | readings | right |", "|---|---:|---:|", ...bands, ""].join("\n"));
