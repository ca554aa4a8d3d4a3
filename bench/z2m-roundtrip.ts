/**
 * Round trip through Zigbee2MQTT's own code: does Zigbee2MQTT accept the
 * commands hearth sends to the devices it announced?
 *
 * 1. The Zigbee2MQTT corpus (../shared/data/z2m-discovery: the 34,342
 *    retained discovery configs Zigbee2MQTT 2.14.1 publishes for every
 *    zigbee-herdsman-converters 26.105.0 definition) goes through hearth's
 *    real discovery consumer, which builds the entities.
 * 2. For every commandable entity of the sampled devices, the actions its
 *    config announces (bench/z2m-actions.ts) are encoded by hearth's real
 *    command encoder (`encodeAction`).
 * 3. Each message goes through Zigbee2MQTT's Publish extension as a message
 *    from the broker would (bench/z2m-world.ts): its topic parser must find
 *    the device, its payload parser must keep the payload, no converter may
 *    be missing or fail, and every value must be one the device's own exposes
 *    allow for that property.
 *
 * Zigbee2MQTT is GPL-3.0: it is installed with npm into a scratch folder
 * outside the project (default: $TMPDIR/hearth-z2m-roundtrip-2.14.1) and never
 * becomes a dependency of hearth. Run on demand; CI does not (it needs the
 * network once for the install).
 *
 *   npx tsx bench/z2m-roundtrip.ts [--devices 300] [--all] [--scratch DIR]
 *   (--devices: the sample holds at least that many devices, each component its share)
 *
 * Prints the table and writes reports/z2m-roundtrip.md and .json
 * (reports/z2m-roundtrip-all.* with --all), with every command not accepted.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { UnsupportedActionError } from "../devices/commands/action.ts";
import { commandSupport, encodeAction } from "../devices/commands/encode.ts";
import type { Entity } from "../devices/entity.ts";
import { actionsFor } from "./z2m-actions.ts";
import { loadZ2mHome, z2mRegistry } from "./z2m-home.ts";
import { classifyZ2mRefusal } from "./z2m-refusals.ts";
import { type CorpusDevice, ensureZ2m, loadZ2mWorld, Z2M_VERSION, type Z2mVerdict } from "./z2m-world.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "300" },
    all: { type: "boolean", default: false },
    scratch: { type: "string", default: process.env.HEARTH_Z2M_SCRATCH ?? join(tmpdir(), `hearth-z2m-roundtrip-${Z2M_VERSION}`) },
  },
});
const sampleSize = Number(args.devices);
if (!args.all && !(Number.isInteger(sampleSize) && sampleSize > 0)) throw new Error(`--devices must be a whole number above 0, got ${args.devices}`);

const COMPONENTS = ["light", "switch", "cover", "climate", "lock", "fan", "select", "number", "button", "scene", "text", "siren"] as const;
const t0 = Date.now();

// 1. Zigbee2MQTT, from the scratch folder.
ensureZ2m(args.scratch!, (line) => console.log(line));

// 2. hearth's entities, through the consumer's message handler (the broker round trip is bench/discovery.ts's).
const home = loadZ2mHome();
const registry = z2mRegistry(50_000, home);
const entities = registry.all();

const devicesFile = join(root, "..", "shared", "data", "z2m-discovery", "devices.json.gz");
const corpusDevices = JSON.parse(gunzipSync(readFileSync(devicesFile)).toString("utf8")) as CorpusDevice[];
const byIeee = new Map(corpusDevices.map((d) => [d.ieee, d]));
const ieeeOf = (e: Entity): string | undefined => {
  const id = (e.config?.device as { identifiers?: unknown[] } | undefined)?.identifiers?.[0];
  return typeof id === "string" && id.startsWith("zigbee2mqtt_0x") ? id.slice("zigbee2mqtt_".length) : undefined;
};

// Commandable entities of real devices (the bridge's own entities talk to zigbee2mqtt/bridge/request/...).
const commandable = entities.filter((e) => (COMPONENTS as readonly string[]).includes(e.domain) && !e.readOnly && commandSupport(e).ok && byIeee.has(ieeeOf(e) ?? ""));
const readOnlyWithCommandTopic = entities.filter((e) => (COMPONENTS as readonly string[]).includes(e.domain) && e.readOnly && typeof e.config?.command_topic === "string");
const entitiesByDevice = new Map<string, Entity[]>();
for (const e of commandable) {
  const ieee = ieeeOf(e)!;
  const list = entitiesByDevice.get(ieee) ?? [];
  list.push(e);
  entitiesByDevice.set(ieee, list);
}

/**
 * The sample: every component gets an even share of its devices (all of them
 * when it has fewer: 12 fans, 29 sirens), spread over the corpus order (which
 * runs through the vendors), then devices spread evenly fill it up to the size.
 */
function sample(size: number): Set<string> {
  const all = [...entitiesByDevice.keys()].sort((a, b) => byIeee.get(a)!.i - byIeee.get(b)!.i);
  if (size >= all.length) return new Set(all);
  const picked = new Set<string>();
  const every = (xs: string[], n: number) => (n >= xs.length ? xs : Array.from({ length: n }, (_, k) => xs[Math.floor((k * xs.length) / n)]!));
  const share = Math.ceil(size / COMPONENTS.length);
  for (const c of COMPONENTS) for (const ieee of every(all.filter((d) => entitiesByDevice.get(d)!.some((e) => e.domain === c)), share)) picked.add(ieee);
  for (const ieee of every(all.filter((d) => !picked.has(d)), Math.max(0, size - picked.size))) picked.add(ieee);
  return picked;
}
const sampled = args.all ? new Set(entitiesByDevice.keys()) : sample(sampleSize);

// 3. Zigbee2MQTT's Publish over the sampled devices.
const world = await loadZ2mWorld(args.scratch!, join(args.scratch!, "data"), corpusDevices, sampled);
const tReady = Date.now();

/**
 * `device procedure`: the converter started (sent Zigbee commands, logged no error) a procedure that
 * waits on the real device (a curtain's calibration polls until the motor stops): a stand-in cannot
 * finish it, so it is neither accepted nor rejected, and is left out of the acceptance.
 */
type Outcome = "accepted" | "rejected" | "z2m refuses what it advertises" | "hearth refused" | "device procedure";
interface Row {
  component: string;
  kind: string;
  label: string;
  entity: string;
  ieee: string;
  model: string;
  vendor: string;
  outcome: Outcome;
  detail?: string;
  messages?: { topic: string; payload: string }[];
  zigbee?: number;
}
const rows: Row[] = [];
const slow: { model: string; topic: string; payload: string; ms: number }[] = [];
const problemsOf = (v: Z2mVerdict, friendly: string): string[] => {
  const p: string[] = [];
  if (!v.parsed) return ["topic is not a Zigbee2MQTT <base>/<device>[/<endpoint>]/set[/<attribute>] topic"];
  if (v.parsed.type !== "set") p.push(`topic is a ${v.parsed.type} topic`);
  if (v.device !== friendly) p.push(`topic resolves to ${v.device ?? "no device"}, not ${friendly}`);
  if (!v.message) p.push("Zigbee2MQTT drops the payload (not JSON, not a state word)");
  return [...p, ...v.exposeProblems, ...v.errors];
};

let lastProgress = Date.now();
for (const ieee of [...sampled].sort((a, b) => byIeee.get(a)!.i - byIeee.get(b)!.i)) {
  const device = byIeee.get(ieee)!;
  if (Date.now() - lastProgress > 30_000) {
    lastProgress = Date.now();
    process.stderr.write(`… ${rows.length} commands, ${rows.filter((r) => r.outcome === "accepted").length} accepted\n`);
  }
  for (const entity of entitiesByDevice.get(ieee)!) {
    for (const tried of actionsFor(entity)) {
      const base = { component: entity.domain, kind: tried.kind, label: tried.label, entity: entity.id, ieee, model: device.model, vendor: device.vendor };
      let messages;
      try {
        messages = encodeAction(entity, tried.action);
      } catch (err) {
        if (!(err instanceof UnsupportedActionError)) throw err;
        rows.push({ ...base, outcome: "hearth refused", detail: err.message.replace(/^[^:]+: /, "") });
        continue;
      }
      const sent = messages.map((m) => ({ topic: m.topic, payload: typeof m.payload === "string" ? m.payload : Buffer.from(m.payload).toString("utf8") }));
      const problems: string[] = [];
      let zigbee = 0;
      for (const m of sent) {
        const verdict = await world.check(ieee, m.topic, m.payload);
        problems.push(...problemsOf(verdict, device.friendly));
        zigbee += verdict.zigbee.length;
        if (verdict.ms > 500) slow.push({ model: device.model, topic: m.topic, payload: m.payload, ms: Math.round(verdict.ms) });
      }
      if (!problems.length) rows.push({ ...base, outcome: "accepted", messages: sent, zigbee });
      else if (zigbee > 0 && problems.every((p) => p === "onMQTTMessage did not finish within 5 s")) rows.push({ ...base, outcome: "device procedure", detail: problems.join("; "), messages: sent, zigbee });
      else {
        const z2mSide = classifyZ2mRefusal(entity, sent, problems);
        rows.push({ ...base, outcome: z2mSide ? "z2m refuses what it advertises" : "rejected", detail: z2mSide ? `${z2mSide}: ${problems.join("; ")}` : problems.join("; "), messages: sent, zigbee });
      }
    }
  }
}
const tDone = Date.now();

// 4. Report.
// Reasons grouped across devices: the device's name and the numbers vary, the reason does not.
const norm = (s: string) =>
  s
    .replace(/ to '[^']*' failed/g, " to '<device>' failed")
    .replace(/ on '[^']*': /g, " on '<device>': ")
    .replace(/Device '[^']*' has no endpoint '[^']*'/g, "Device '<device>' has no endpoint '<name>'")
    .replace(/(?<![F\w])\d+(\.\d+)?/g, "N")
    .slice(0, 220);
const tally = (xs: string[]) => Object.fromEntries(Object.entries(xs.reduce<Record<string, number>>((a, x) => ((a[x] = (a[x] ?? 0) + 1), a), {})).sort((a, b) => b[1] - a[1]));
const pct = (a: number, b: number) => (b === 0 ? "—" : `${((100 * a) / b).toFixed(2).replace(/\.?0+$/, "")} %`);
const perComponent = COMPONENTS.map((component) => {
  const rs = rows.filter((r) => r.component === component);
  const accepted = rs.filter((r) => r.outcome === "accepted").length;
  const rejected = rs.filter((r) => r.outcome === "rejected").length;
  const z2mSide = rs.filter((r) => r.outcome === "z2m refuses what it advertises").length;
  const refused = rs.filter((r) => r.outcome === "hearth refused").length;
  const procedures = rs.filter((r) => r.outcome === "device procedure").length;
  return {
    component,
    devices: new Set(rs.map((r) => r.ieee)).size,
    entities: new Set(rs.map((r) => r.entity)).size,
    commands: rs.length,
    accepted,
    rejected,
    hearthRefused: refused,
    z2mRefusesWhatItAdvertises: z2mSide,
    /** Accepted of what Zigbee2MQTT's exposes allow (everything tried, less what Zigbee2MQTT advertises and then refuses). */
    deviceProcedures: procedures,
    acceptance: pct(accepted, rs.length - z2mSide - procedures),
    withZigbeeTraffic: rs.filter((r) => r.outcome === "accepted" && (r.zigbee ?? 0) > 0).length,
    byKind: Object.fromEntries([...new Set(rs.map((r) => r.kind))].map((k) => [k, `${rs.filter((r) => r.kind === k && r.outcome === "accepted").length}/${rs.filter((r) => r.kind === k).length}`])),
    rejections: tally(rs.filter((r) => r.outcome === "rejected" || r.outcome === "hearth refused").map((r) => `${r.outcome}: ${norm(r.detail ?? "")}`)),
    z2mSide: tally(rs.filter((r) => r.outcome === "z2m refuses what it advertises").map((r) => r.detail!.replace(/:.*/, ""))),
  };
});
const total = {
  devices: sampled.size,
  commands: rows.length,
  accepted: rows.filter((r) => r.outcome === "accepted").length,
  z2mSide: rows.filter((r) => r.outcome === "z2m refuses what it advertises").length,
  deviceProcedures: rows.filter((r) => r.outcome === "device procedure").length,
};
const summary = {
  zigbee2mqtt: world.z2mVersion,
  zhc: world.zhcVersion,
  scope: args.all ? "whole corpus" : `sample of ${sampled.size} devices (of ${entitiesByDevice.size} with commandable entities)`,
  entitiesBuilt: entities.length,
  commandableEntities: commandable.length,
  readOnlyWithCommandTopic: readOnlyWithCommandTopic.length,
  ...total,
  acceptance: pct(total.accepted, total.commands - total.z2mSide - total.deviceProcedures),
  seconds: { setup: (tReady - t0) / 1000, roundTrip: (tDone - tReady) / 1000 },
  slowMessages: slow.sort((a, b) => b.ms - a.ms).slice(0, 20),
  perComponent,
};

const md = [
  `# Round trip through Zigbee2MQTT ${summary.zigbee2mqtt} (zigbee-herdsman-converters ${summary.zhc})`,
  "",
  `${summary.scope}; ${summary.commands} commands encoded by hearth for ${summary.commandableEntities} commandable entities in the corpus (${summary.entitiesBuilt} entities built).`,
  `Accepted: ${summary.accepted} = **${summary.acceptance}** of what Zigbee2MQTT's exposes allow; ${summary.z2mSide} commands go to topics Zigbee2MQTT advertises and then refuses (HA sends the same; hearth keeps HA's behaviour).`,
  `${summary.deviceProcedures} started a procedure that waits on the real device (left out). Set-up ${summary.seconds.setup} s, round trip ${summary.seconds.roundTrip} s.`,
  "",
  "| component | devices | entities | commands | accepted | acceptance | rejected | hearth refused | Z2M refuses what it advertises |",
  "|---|---|---|---|---|---|---|---|---|",
  ...perComponent.map((c) => `| ${c.component} | ${c.devices} | ${c.entities} | ${c.commands} | ${c.accepted} | ${c.acceptance} | ${c.rejected} | ${c.hearthRefused} | ${c.z2mRefusesWhatItAdvertises} |`),
  "",
  ...perComponent.flatMap((c) => [
    ...(Object.keys(c.rejections).length ? [`- ${c.component}, not accepted: ${Object.entries(c.rejections).map(([k, n]) => `${n}× ${k}`).join("; ")}`] : []),
    ...(Object.keys(c.z2mSide).length ? [`- ${c.component}, Zigbee2MQTT refuses what it advertises: ${Object.entries(c.z2mSide).map(([k, n]) => `${n}× ${k}`).join("; ")}`] : []),
    ...(c.deviceProcedures ? [`- ${c.component}: ${c.deviceProcedures} started a procedure that waits on the real device`] : []),
  ]),
  "",
].join("\n");
mkdirSync(join(root, "reports"), { recursive: true });
const report = args.all ? "z2m-roundtrip-all" : "z2m-roundtrip";
writeFileSync(join(root, "reports", `${report}.json`), JSON.stringify({ ...summary, rows: rows.filter((r) => r.outcome !== "accepted") }, null, 1));
writeFileSync(join(root, "reports", `${report}.md`), md);
console.log(md);
process.exit(0);
