/**
 * Intent recognition accuracy on Home Assistant's English intent tests
 * (../shared/data/intents/ha-en-dev.jsonl with ha-en-fixtures.yaml): a
 * sentence counts as right when the intent and every slot equal the
 * expected ones and no extra slot is produced. Then the text-to-publish
 * latency through mosquitto (bench/text-latency.ts): p50/p95 of typed
 * commands on `hearth/<id>/text` until the device command reaches the broker.
 * Then SLURP's real smart-home requests scored by effect through the
 * understander (bench/slurp-eval.ts): success per action, the out-of-domain
 * false-action rate and the time per sentence.
 * Prints a table per intent and the latency, and writes reports/intents.md
 * and reports/intents.json.
 *
 * Run: npx tsx bench/intents.ts [--failures] [--slurp-failures] [--latency-n N] [--no-latency]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mosquittoAvailable } from "../test/helpers/mosquitto.ts";
import { evaluateIntents, IN_SCOPE_INTENTS, loadIntentTestSet } from "./intents-eval.ts";
import { evaluateSlurp, loadSlurpSet, SLURP_CONTEXT_AREA } from "./slurp-eval.ts";
import { measureTextToPublishLatency, type LatencyReport } from "./text-latency.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "..", "shared", "data", "intents");
const showFailures = process.argv.includes("--failures");
const latencyArg = process.argv.indexOf("--latency-n");
const latencyN = latencyArg > 0 ? Number(process.argv[latencyArg + 1]) : 200;

const testSet = loadIntentTestSet(dataDir);
const started = performance.now();
const report = evaluateIntents(testSet);
const elapsedMs = performance.now() - started;
// A second pass: recognition time once the JIT has warmed up, as in a running agent.
const warmStarted = performance.now();
for (const c of testSet.cases) testSet.recognizer.recognize(c.text, c.context);
const warmMs = performance.now() - warmStarted;

const pct = (x: number) => (100 * x).toFixed(1) + " %";
const rows = Object.entries(report.perIntent).sort((a, b) => Number(b[1].inScope) - Number(a[1].inScope) || b[1].total - a[1].total);
const lines = [
  "| intent | scope | sentences | exact | accuracy | recognised as another in-scope intent |",
  "|---|---|---:|---:|---:|---:|",
  ...rows.map(([intent, r]) => `| ${intent} | ${r.inScope ? "in" : "out"} | ${r.total} | ${r.correct} | ${pct(r.correct / r.total)} | ${r.wrongInScope} |`),
];
const summary = [
  `In scope (${IN_SCOPE_INTENTS.join(", ")}): ${report.inScope.correct}/${report.inScope.total} = ${pct(report.inScope.accuracy)}`,
  `Out of scope (every other intent of the test set): ${report.outOfScope.total} sentences; ${report.outOfScope.claimedByInScope} recognised as an in-scope intent (false accepts), ${report.outOfScope.unmatched} not recognised`,
  `Time: ${elapsedMs.toFixed(0)} ms for ${testSet.cases.length} sentences on the first pass, ${warmMs.toFixed(0)} ms on a second (${(warmMs / testSet.cases.length).toFixed(2)} ms each), one CPU thread`,
];
console.log(lines.join("\n"));
console.log(summary.join("\n"));
if (showFailures) for (const f of report.failures) console.log(JSON.stringify(f));

const slurp = await evaluateSlurp(loadSlurpSet(dataDir));
const slurpLines = [
  "| SLURP action | family | rows | skipped (place not in the home) | scored | correct | of them after a confirmation | success |",
  "|---|---|---:|---:|---:|---:|---:|---:|",
  ...Object.entries(slurp.perAction).map(([action, r]) => `| ${action} | ${r.family} | ${r.total} | ${r.skipped} | ${r.scored} | ${r.correct} | ${r.confirmed} | ${r.scored ? pct(r.correct / r.scored) : "-"} |`),
];
const od = slurp.outOfDomain;
const slurpSummary = [
  `SLURP dev in scope (context area ${SLURP_CONTEXT_AREA}): ${slurp.inScope.correct}/${slurp.inScope.scored} = ${pct(slurp.inScope.rate)} acted on exactly the right entities (${slurp.inScope.confirmed} after a confirmation; ${slurp.inScope.skipped} skipped: place not in the home)`,
  `SLURP dev out of domain: ${od.falseActions}/${od.total} false actions = ${(100 * od.falseActionRate).toFixed(2)} %, ${od.confirmations} confirmation questions = ${(100 * od.confirmationRate).toFixed(2)} %, ${od.clarifications} clarification questions`,
  `SLURP decisions over all ${Object.values(slurp.decisions).reduce((a, b) => a + b, 0)} rows: ${Object.entries(slurp.decisions).map(([d, n]) => `${d} ${n}`).join(", ")}; other iot rows (coffee, …): ${slurp.otherIot.total}, ${slurp.otherIot.acted} acted`,
  `SLURP decided by the fallback recognizer (acted on or asked about): ${slurp.fallback.inScopeDecided} in-scope rows (${slurp.fallback.inScopeCorrect} right), ${slurp.fallback.outOfDomainDecided} out-of-domain rows; ${slurp.inScope.confirmed} of the right in-scope ones after a confirmation question`,
  `SLURP time: ${slurp.msPerSentence.toFixed(2)} ms per sentence through the understander (recognise + resolve), one CPU thread`,
];
console.log(slurpLines.join("\n"));
console.log(slurpSummary.join("\n"));
summary.push(...slurpSummary);
if (process.argv.includes("--slurp-failures")) for (const f of [...slurp.failures, ...slurp.falseActions]) console.log(JSON.stringify(f));

const latency: LatencyReport[] = [];
if (process.argv.includes("--no-latency")) console.log("Latency: skipped (--no-latency)");
else if (!mosquittoAvailable()) console.log("Latency: SKIPPED, mosquitto is not installed");
else {
  for (const tcpNoDelay of [false, true]) {
    const l = await measureTextToPublishLatency(latencyN, { tcpNoDelay });
    latency.push(l);
    summary.push(
      `Text-to-publish latency (typed command on hearth/<id>/text → device command on the broker; ${l.broker}): ` +
        `p50 ${l.p50Ms} ms, p95 ${l.p95Ms} ms (mean ${l.meanMs}, min ${l.minMs}, max ${l.maxMs}; ${l.n} commands after ${l.warmup} warm-up)`,
    );
    console.log(summary[summary.length - 1]);
  }
}

mkdirSync(join(root, "reports"), { recursive: true });
writeFileSync(
  join(root, "reports", "intents.md"),
  [
    "# Intent recognition accuracy",
    "",
    `Data: \`../shared/data/intents/ha-en-dev.jsonl\` (${testSet.cases.length} sentences from the Home Assistant intents project, CC-BY-4.0), entities from \`ha-en-fixtures.yaml\`.`,
    "A sentence is right when the intent and all slots are exactly the expected ones (no extra slot).",
    "",
    ...summary.map((s) => `- ${s}`),
    "",
    ...lines,
    "",
    "## SLURP (real requests, by effect; bench/slurp-eval.ts gives the rules)",
    "",
    ...slurpLines,
    "",
    "## SLURP false actions (out of domain)",
    "",
    ...slurp.falseActions.map((f) => `- \`${f.sentence}\`: ${f.intent} on ${f.targets.join(", ")}`),
    "",
    "## Failures (in scope)",
    "",
    ...report.failures.filter((f) => f.inScope).map((f) => `- \`${f.text}\` (context ${JSON.stringify(f.context)}): expected ${f.expected.intent} ${JSON.stringify(f.expected.slots)}, got ${f.got ? `${f.got.intent} ${JSON.stringify(f.got.slots)}` : "nothing"}`),
    "",
  ].join("\n"),
);
writeFileSync(join(root, "reports", "intents.json"), JSON.stringify({ inScopeIntents: IN_SCOPE_INTENTS, ...report, elapsedMs, warmMs, latency, slurp }, null, 2) + "\n");
console.log(`wrote reports/intents.md and reports/intents.json`);
