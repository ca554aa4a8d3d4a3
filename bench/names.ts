/**
 * Names at scale, on the Zigbee2MQTT corpus (bench/z2m-home.ts): homes of the
 * first 1,000 and 5,000 entities the consumer builds (homeassistant.max_entities
 * caps the home) and the whole corpus. For each: how many spoken names
 * collide among the entities voice reaches (HA's exposed entities) and among
 * all of them; the time to build the sentence set; the recognition time per
 * sentence ("turn on <name>", "turn off the <name>", "what is the <name>",
 * area and domain commands), warm. Then what the resolver does with a name two
 * lights share ("turn on the IKEA bulb in the kitchen", the same without an
 * area, and from a satellite in the kitchen).
 *
 *   node --import tsx bench/names.ts [--sizes 1000,5000,all] [--sentences 300]
 *
 * Prints the figures and writes reports/names.md and reports/names.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setLogLevel } from "../agent/log.ts";
import { IntentRecognizer } from "../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../agent/intent/sentence-set.ts";
import { resolveIntent, type Resolution } from "../agent/resolve/resolver.ts";
import type { Entity } from "../devices/entity.ts";
import { loadZ2mHome, z2mRegistry } from "./z2m-home.ts";

setLogLevel("error");
const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,5000,all" }, sentences: { type: "string", default: "300" } } });
const sentenceCount = Number(values.sentences);
const home = loadZ2mHome();

/** How the sentence lists hear a name: lower case, hassil syntax and spacing removed. */
const spokenKey = (name: string) => name.replace(/[[\]()|{}<>]/g, "").replace(/\s+/g, " ").trim().toLowerCase();

interface Collisions {
  entities: number;
  distinctNames: number;
  /** Spoken names that more than one entity answers to. */
  sharedNames: number;
  /** Entities whose spoken name another entity has too. */
  entitiesSharing: number;
  top: [name: string, count: number][];
}

function collisions(entities: Entity[]): Collisions {
  const byName = new Map<string, number>();
  for (const e of entities) for (const said of new Set([e.name, ...e.aliases].map(spokenKey))) byName.set(said, (byName.get(said) ?? 0) + 1);
  const shared = [...byName].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1]);
  return {
    entities: entities.length,
    distinctNames: byName.size,
    sharedNames: shared.length,
    entitiesSharing: shared.reduce((sum, [, n]) => sum + n, 0),
    top: shared.slice(0, 5),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** Sentences over `exposed`: named commands and questions for a spread of entities, and a few generic ones. */
function sentencesFor(exposed: Entity[]): string[] {
  const out = ["turn off the lights", "turn on the lights in the kitchen", "set the brightness to 50%", "what is the temperature", "turn off everything in the bedroom"];
  const step = Math.max(1, Math.floor(exposed.length / sentenceCount));
  for (let i = 0; i < exposed.length && out.length < sentenceCount; i += step) {
    const e = exposed[i]!;
    const forms = [`turn on ${e.name}`, `turn off the ${e.name}`, `what is the ${e.name}`];
    out.push(forms[i % forms.length]!);
  }
  return out;
}

interface SizeReport {
  size: string;
  exposedCollisions: Collisions;
  allCollisions: Collisions;
  buildMs: number;
  sentences: number;
  recognized: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function measure(size: string): SizeReport {
  const registry = z2mRegistry(size === "all" ? 100_000 : Number(size), home);
  const exposed = registry.exposed();
  let started = performance.now();
  const recognizer = new IntentRecognizer(buildSentenceSet(registry, []));
  const buildMs = performance.now() - started;
  const sentences = sentencesFor(exposed);
  for (const s of sentences) recognizer.recognize(s); // warm-up: the JIT, as in a running agent
  const times: number[] = [];
  let recognized = 0;
  for (const s of sentences) {
    started = performance.now();
    const result = recognizer.recognize(s);
    times.push(performance.now() - started);
    if (result) recognized++;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    size,
    exposedCollisions: collisions(exposed),
    allCollisions: collisions(registry.all()),
    buildMs,
    sentences: sentences.length,
    recognized,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted.at(-1)!,
  };
}

const sizes = values.sizes.split(",").map((s) => s.trim());
const reports: SizeReport[] = [];
for (const size of sizes) {
  reports.push(measure(size));
  const r = reports.at(-1)!;
  process.stderr.write(`names bench: ${size} entities: build ${r.buildMs.toFixed(0)} ms, p95 ${r.p95Ms.toFixed(2)} ms per sentence\n`);
}

// Two lights that share a name in two rooms, in the 1,000-entity home.
const registry = z2mRegistry(1_000, home);
const lights = registry.exposed().filter((e) => e.domain === "light" && !e.readOnly).slice(0, 2);
if (lights.length < 2) throw new Error("fewer than two commandable lights in the first 1,000 entities");
registry.addArea({ id: "kitchen", name: "Kitchen", aliases: [] });
registry.addArea({ id: "bedroom", name: "Bedroom", aliases: [] });
registry.upsert({ ...lights[0]!, name: "IKEA bulb", area: "Kitchen" });
registry.upsert({ ...lights[1]!, name: "IKEA bulb", area: "Bedroom" });
const recognizer = new IntentRecognizer(buildSentenceSet(registry, []));
const describe = (r: Resolution): string => {
  if (r.kind === "act") return `acts on ${r.targets.map((t) => t.entity.id).join(", ")}`;
  if (r.kind === "clarify") return `asks "${r.question}"`;
  if (r.kind === "error") return `error ${r.reason}${r.detail ? ` (${r.detail})` : ""}`;
  return r.kind;
};
const cases: [text: string, context: { area?: string }][] = [
  ["turn on the IKEA bulb in the kitchen", {}],
  ["turn on the IKEA bulb", {}],
  ["turn on the IKEA bulb", { area: "Kitchen" }],
];
const shared = cases.map(([text, context]) => {
  const resolution = resolveIntent(recognizer.recognize(text, context), registry, context);
  return { text, satelliteArea: context.area ?? null, result: describe(resolution) };
});

const f = (x: number, digits = 2) => (Number.isNaN(x) ? "—" : x.toFixed(digits));
const lines = [
  "# Names at scale",
  "",
  `Run: \`node --import tsx bench/names.ts --sizes ${values.sizes} --sentences ${sentenceCount}\` on ${new Date().toISOString()} (Node ${process.version}); the machine is shared, timings vary. Homes: the first N entities the discovery consumer builds from the Zigbee2MQTT corpus (${home.configs.length} configs of ${home.devices} devices).`,
  "",
  "| entities | exposed | exposed names shared by >1 entity (entities) | all entities: shared names (entities) | sentence set build | sentences | recognised | mean | p50 | p95 | max |",
  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...reports.map((r) => `| ${r.size === "all" ? r.allCollisions.entities : r.size} | ${r.exposedCollisions.entities} | ${r.exposedCollisions.sharedNames} (${r.exposedCollisions.entitiesSharing}) | ${r.allCollisions.sharedNames} (${r.allCollisions.entitiesSharing}) | ${f(r.buildMs, 0)} ms | ${r.sentences} | ${r.recognized} | ${f(r.meanMs)} ms | ${f(r.p50Ms)} ms | ${f(r.p95Ms)} ms | ${f(r.maxMs)} ms |`),
  "",
  ...reports.map((r) => `- Most shared names, ${r.size}: exposed ${r.exposedCollisions.top.map(([n, c]) => `"${n}" ×${c}`).join(", ") || "none"}; all ${r.allCollisions.top.map(([n, c]) => `"${n}" ×${c}`).join(", ") || "none"}.`),
  "",
  `Two lights named "IKEA bulb", ${lights[0]!.id} in the Kitchen and ${lights[1]!.id} in the Bedroom:`,
  "",
  ...shared.map((s) => `- "${s.text}"${s.satelliteArea ? ` from a satellite in the ${s.satelliteArea}` : ""}: ${s.result}`),
];
process.stdout.write(lines.join("\n") + "\n");
const dir = fileURLToPath(new URL("../reports/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(dir + "names.md", lines.join("\n") + "\n");
writeFileSync(dir + "names.json", JSON.stringify({ sizes: reports, shared }, null, 1) + "\n");
