/**
 * Speech-to-intent benchmark on the 200 real barista orders
 * (../shared/data/spoken-commands/barista, Picovoice speech-to-intent
 * benchmark), for the Moonshine (default) or the PocketSphinx grammar
 * recognizer (`--backend`): command accuracy (intent and every labelled slot exact, no extra
 * slot) on clean audio and with kitchen noise mixed in at 24, 18, 12 and 6 dB
 * SNR; recognizer real-time factor; rejection of out-of-domain speech (under
 * the coffee grammar and a small home grammar) and of noise; rejection rate of
 * in-domain orders.
 *
 * Noise mixing: for each clip a segment of kitchen-noise.flac at a fixed
 * pseudo-random offset, scaled so that 20·log10(rms(active speech) / rms(noise))
 * equals the target SNR, added over the whole clip, and clipped to int16.
 * (The Picovoice benchmark's own mixer compares the loudest 2048-sample frames
 * of speech and noise instead; on these clips that leaves its noise about
 * 2.2 dB quieter on average at the same nominal SNR, so figures here are the
 * harder of the two.)
 *
 * `--segmentation` decides what the recognizer sees:
 * - `span` (default for Moonshine): the span from the first utterance's start
 *   to the last one's end found by the voice pipeline's Silero VAD and
 *   endpointer (agent/audio/speech-segments.ts), as `hearth listen` hands it over;
 * - `gate` (default for PocketSphinx, as measured before): the VAD only decides
 *   whether the input holds speech at all (no utterance → no command); the
 *   recognizer then gets the whole input and trims it by energy itself;
 * - `utterances`: every utterance the endpointer finds decoded on its own, as the
 *   live pipeline acts; an order is right only when exactly one of them becomes
 *   the command (in loud noise the endpointer splits some orders at pauses);
 * - `none`: no VAD, the whole input.
 * `--grammar shipped` (default) decodes the orders with the grammar `hearth run` and `hearth listen` build
 * (agent/service/voice-extension.ts `speechGrammar`): the built-in home sentences over the registry of
 * `--entities` (default ../shared/data/intents/ha-en-fixtures.yaml), examples/barista.yaml and the follow-up
 * replies, searched by intent family, with the replies left out as when no question is pending;
 * `--grammar barista` decodes against examples/barista.yaml alone (the figures before issue 15).
 * `--trim-margin MS|off` sets the recognizer's energy trimming (default the
 * backend's: off for Moonshine, 200 ms for PocketSphinx).
 *
 * Rejection threshold: every input is decoded with the recognizer's rejection
 * test computed but not applied, and the threshold (`--max-gap`, default the
 * backend's default: `max_deficit` 1.2 for Moonshine, `max_loop_gap` 11 for
 * PocketSphinx) is applied here, so the report shows how far in-domain and
 * out-of-domain margins lie from it.
 *
 * The work is spread over `--jobs` worker threads (default 2), each with its
 * own decoders.
 *
 *   npx tsx bench/speech-intent.ts [--backend moonshine|pocketsphinx] [--limit N] [--snr 24,18,12,6] [--jobs 2] [--max-gap X] [--trim-margin MS|off] [--segmentation span|utterances|gate|none]
 *
 * Prints a table and writes reports/speech-intent.md and reports/speech-intent.json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { decodeFile as decodeAudioFile } from "../agent/audio/file-source.ts";
import { loadCustomIntents } from "../agent/intent/custom-intents.ts";
import { findUtterances } from "../agent/audio/speech-segments.ts";
import { vadSchema } from "../agent/config/vad.ts";
import { MoonshineGrammarRecognizer } from "../models/asr/moonshine-recognizer.ts";
import { PocketSphinxRecognizer } from "../models/asr/pocketsphinx.ts";
import { SileroVad } from "../models/vad/silero.ts";
import { isRejected, type RecognitionResult, type SpeechRecognizer } from "../models/asr/recognizer.ts";
import type { CustomIntents } from "../agent/intent/custom-intents.ts";
import { speechBounds } from "../models/asr/trim-silence.ts";
import { loadFixtures } from "../devices/fixtures.ts";
import { commandIntents, speechGrammar } from "../agent/service/voice-extension.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shared = join(root, "../shared/data");
const baristaDir = join(shared, "spoken-commands/barista");

const { values: args } = parseArgs({
  options: {
    limit: { type: "string" },
    snr: { type: "string", default: "24,18,12,6" },
    backend: { type: "string", default: "moonshine" },
    "max-gap": { type: "string" },
    "trim-margin": { type: "string" },
    segmentation: { type: "string" },
    verbose: { type: "boolean", default: false },
    jobs: { type: "string", default: "2" },
    grammar: { type: "string", default: "shipped" },
    entities: { type: "string" },
  },
});/** The registry the shipped grammar's home sentences name (entities, areas, floors). */
const entitiesFile = args.entities ?? join(shared, "intents/ha-en-fixtures.yaml");


interface Label {
  intent: string;
  slots: Record<string, string>;
}

/** Understood: same intent, every labelled slot equal, no extra slot. */
function understood(result: RecognitionResult, label: Label): boolean {
  if (isRejected(result) || result.intent !== label.intent) return false;
  const got = result.slots ?? {};
  const keys = Object.keys(got);
  return keys.length === Object.keys(label.slots).length && keys.every((k) => label.slots[k] === got[k]);
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / Math.max(1, pcm.length));
}

/**
 * Add `noise` (looped from a clip-specific offset) at `snrDb` below the RMS of
 * the active speech (the clip's span between its first and last loud frames,
 * as in ITU-T P.56's active speech level, so leading and trailing silence do
 * not lower the speech level).
 */
function mixAtSnr(speech: Int16Array, noise: Int16Array, snrDb: number, seed: number): Int16Array {
  const offset = (seed * 104_729) % Math.max(1, noise.length - speech.length);
  const segment = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) segment[i] = noise[(offset + i) % noise.length]!;
  const [start, end] = speechBounds(speech, { marginMs: 0 });
  const gain = rms(speech.subarray(start, end)) / Math.max(1e-9, rms(segment)) / 10 ** (snrDb / 20);
  const out = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(speech[i]! + gain * segment[i]!)));
  return out;
}

/** One decode: a barista order (clean or mixed at `snr`), or a window of out-of-domain audio under one grammar. */
type Job =
  | { kind: "order"; file: string; snr: number | null; seed: number }
  | { kind: "reject"; input: string; path: string; start: number; length: number | null; grammar: "coffee" | "home" };

type JobResult =
  | { kind: "order"; file: string; snr: number | null; result: RecognitionResult; ms: number; seconds: number }
  | { kind: "reject"; input: string; grammar: string; result: RecognitionResult };

const segmentation = args.segmentation ?? (args.backend === "pocketsphinx" ? "gate" : "span");
/** Energy trimming margin handed to the recognizer: `--trim-margin`, else the backend's default (undefined). */
const trimMarginMs = args["trim-margin"] === undefined ? undefined : args["trim-margin"] === "off" ? null : Number(args["trim-margin"]);

/** A decode with its margin, after the threshold was applied. */
type Scored = JobResult & { margin: number | undefined };

/** The backend's rejection threshold: `--max-gap` or the recognizer's default. */
const maxGap = args["max-gap"] !== undefined ? Number(args["max-gap"]) : args.backend === "pocketsphinx" ? 11 : 1.2;

/** The backend's command-vs-free-decode margin of an accepted decode (higher is more command-like). */
function marginOf(result: RecognitionResult): number | undefined {
  if (isRejected(result)) return undefined;
  return result.tokenDeficit !== undefined ? -result.tokenDeficit : result.loopMargin;
}

/** The result with the rejection threshold applied. */
function withThreshold(result: RecognitionResult): RecognitionResult {
  const margin = marginOf(result);
  return margin !== undefined && margin < -maxGap ? { rejected: true, reason: `margin ${margin.toFixed(2)} below -${maxGap}` } : result;
}

/** A recognizer of the chosen backend that computes its rejection margin but rejects nothing on it. */
async function createRecognizer(intents: CustomIntents, families?: string[][]): Promise<SpeechRecognizer> {
  if (args.backend === "pocketsphinx") return PocketSphinxRecognizer.create(intents, { maxLoopGap: Number.MAX_VALUE, trimMarginMs });
  if (args.backend === "moonshine") return MoonshineGrammarRecognizer.create(intents, { maxDeficit: Number.MAX_VALUE, trimMarginMs, ...(families ? { families } : {}) });
  throw new Error(`--backend: expected moonshine or pocketsphinx, got ${args.backend}`);
}

/** Decode a list of jobs with this thread's own recognizers (and VAD). */
async function runJobs(jobs: Job[]): Promise<JobResult[]> {
  const barista = loadCustomIntents(join(root, "examples/barista.yaml"));
  const shipped = args.grammar === "shipped" ? speechGrammar(loadFixtures(entitiesFile), [barista]) : null;
  if (!shipped && args.grammar !== "barista") throw new Error(`--grammar: expected shipped or barista, got ${args.grammar}`);
  const recognizers = {
    coffee: shipped ? await createRecognizer(shipped.sentences, shipped.families) : await createRecognizer(barista),
    home: await createRecognizer(loadCustomIntents(join(root, "test/fixtures/home-intents.yaml"))),
  };
  const vad = segmentation === "none" ? null : await SileroVad.load();
  const timings = vadSchema.parse({});
  /** What the recognizer gets (see --segmentation); nothing when the VAD hears no speech. */
  const commands = shipped ? commandIntents(shipped) : undefined;
  /** As the product decodes with no question pending: every command, no bare reply. */
  const decode = (rec: SpeechRecognizer, pcm: Int16Array) =>
    rec instanceof MoonshineGrammarRecognizer && rec === recognizers.coffee && commands ? rec.recognize(pcm, { intents: commands }) : rec.recognize(pcm);
  const recognize = async (rec: SpeechRecognizer, pcm: Int16Array): Promise<RecognitionResult> => {
    if (!vad) return decode(rec, pcm);
    const utterances = await findUtterances(pcm, vad, timings);
    if (!utterances.length) return { rejected: true, reason: "no speech (VAD)" };
    if (segmentation === "gate") return decode(rec, pcm);
    if (segmentation === "utterances") {
      // As the live pipeline acts: every utterance on its own; right only when exactly one becomes a command.
      const results = [];
      for (const u of utterances) results.push(withThreshold(await decode(rec, u.pcm)));
      const accepted = results.filter((r) => !isRejected(r));
      if (accepted.length > 1) return { rejected: true, reason: `${accepted.length} of ${utterances.length} utterances became commands` };
      return accepted[0] ?? results[0]!;
    }
    const start = Math.round((utterances[0]!.start_ms * 16_000) / 1000);
    const end = Math.round((utterances[utterances.length - 1]!.end_ms * 16_000) / 1000);
    return decode(rec, pcm.subarray(start, end));
  };
  const audio = new Map<string, Int16Array>();
  const load = async (path: string) => {
    if (!audio.has(path)) audio.set(path, await decodeAudioFile(path));
    return audio.get(path)!;
  };
  const kitchen = await load(join(baristaDir, "kitchen-noise.flac"));
  const results: JobResult[] = [];
  for (const job of jobs) {
    if (job.kind === "order") {
      const clean = await decodeAudioFile(join(baristaDir, "clips", job.file));
      const pcm = job.snr === null ? clean : mixAtSnr(clean, kitchen, job.snr, job.seed);
      const t0 = performance.now();
      const result = await recognize(recognizers.coffee, pcm);
      results.push({ kind: "order", file: job.file, snr: job.snr, result, ms: performance.now() - t0, seconds: pcm.length / 16_000 });
    } else {
      const whole = await load(job.path);
      const pcm = job.length === null ? whole : whole.subarray(job.start, job.start + job.length);
      results.push({ kind: "reject", input: job.input, grammar: job.grammar, result: await recognize(recognizers[job.grammar], pcm) });
    }
  }
  recognizers.coffee.close();
  recognizers.home.close();
  return results;
}

/** Run the jobs on `n` worker threads (round-robin), or here when n is 1. */
async function runParallel(jobs: Job[], n: number): Promise<JobResult[]> {
  if (n <= 1) return runJobs(jobs);
  const shares = Array.from({ length: n }, (_, w) => jobs.filter((_, i) => i % n === w));
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<JobResult[]>((resolveShare, reject) => {
          // Workers load the TypeScript sources through tsx's loader, registered in the worker itself.
          const entry = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
          const worker = new Worker(entry, { eval: true, workerData: share, argv: process.argv.slice(2) });
          worker.once("message", resolveShare);
          worker.once("error", reject);
          worker.once("exit", (code) => code !== 0 && reject(new Error(`bench worker exited with code ${code}`)));
        }),
    ),
  );
  return parts.flat();
}

async function main(): Promise<void> {
  if (!existsSync(baristaDir)) {
    console.error(`../shared absent: ${baristaDir} not found; nothing to measure`);
    process.exit(1);
  }
  const labels = JSON.parse(readFileSync(join(baristaDir, "labels.json"), "utf8")) as Record<string, Label>;
  const limit = args.limit ? Number(args.limit) : undefined;
  const files = Object.keys(labels).sort().slice(0, limit);
  const snrs = args.snr ? args.snr.split(",").filter(Boolean).map(Number) : [];

  const jobs: Job[] = [];
  for (const snr of [null, ...snrs]) files.forEach((file, i) => jobs.push({ kind: "order", file, snr, seed: i + 1 }));
  // Out-of-domain speech (whole clips) and noise cut into 4 s windows (an utterance's typical length).
  const miscDir = join(shared, "speech-misc");
  const outOfDomain = readdirSync(miscDir).filter((f) => /^(rhino_out_of_context|cards_\d+|vosk_digits)\.flac$/.test(f)).sort();
  const grammars = ["coffee", "home"] as const;
  for (const f of outOfDomain) for (const grammar of grammars) jobs.push({ kind: "reject", input: f, path: join(miscDir, f), start: 0, length: null, grammar });
  const noiseFiles = [...readdirSync(join(shared, "noise")).map((f) => join(shared, "noise", f)), join(baristaDir, "kitchen-noise.flac")];
  for (const path of noiseFiles) {
    const samples = (await decodeAudioFile(path)).length;
    for (let start = 0; start + 64_000 <= samples; start += 64_000) {
      for (const grammar of grammars) jobs.push({ kind: "reject", input: `${path.split("/").pop()}@${start / 16_000}s`, path, start, length: 64_000, grammar });
    }
  }

  if (!["gate", "span", "utterances", "none"].includes(segmentation)) throw new Error(`--segmentation: expected span, utterances, gate or none, got ${segmentation}`);
  const workers = Math.max(1, Number(args.jobs));
  console.log(`${jobs.length} decodes on ${workers} thread(s)…`);
  const wall0 = performance.now();
  const results: Scored[] = (await runParallel(jobs, workers)).map((r) => ({ ...r, margin: marginOf(r.result), result: withThreshold(r.result) }));
  const wallS = (performance.now() - wall0) / 1000;

  const orders = results.filter((r): r is Extract<JobResult, { kind: "order" }> & Scored => r.kind === "order");
  const conditions = [null, ...snrs].map((snr) => {
    const rows = orders.filter((r) => r.snr === snr).sort((a, b) => a.file.localeCompare(b.file));
    const errors = rows
      .filter((r) => !understood(r.result, labels[r.file]!))
      .map((r) => ({ file: r.file, expected: labels[r.file]!.slots, got: isRejected(r.result) ? `rejected: ${r.result.reason}` : `${r.result.text} → ${JSON.stringify(r.result.slots)}` }));
    const margins = rows.flatMap((r) => (!isRejected(r.result) && r.margin !== undefined ? [r.margin] : [])).sort((a, b) => a - b);
    const row = {
      condition: snr === null ? "clean" : `${snr} dB`,
      clips: rows.length,
      accuracy: (rows.length - errors.length) / rows.length,
      rejected: rows.filter((r) => isRejected(r.result)).length / rows.length,
      lowestMargins: margins.slice(0, 10).map((m) => Number(m.toFixed(2))),
      errors,
    };
    console.log(`${row.condition.padEnd(8)} accuracy ${(row.accuracy * 100).toFixed(1)} %  rejected ${(row.rejected * 100).toFixed(1)} %  lowest accepted margins ${row.lowestMargins.join(" ")}`);
    if (args.verbose) for (const e of errors) console.log(`   ${e.file}: ${e.got}  (want ${JSON.stringify(e.expected)})`);
    return row;
  });
  const noisy = conditions.slice(1);
  const averageNoisy = noisy.length ? noisy.reduce((s, c) => s + c.accuracy, 0) / noisy.length : null;
  const rtf = orders.reduce((s, r) => s + r.ms, 0) / 1000 / orders.reduce((s, r) => s + r.seconds, 0);

  const rejection = results
    .filter((r): r is Extract<JobResult, { kind: "reject" }> & Scored => r.kind === "reject")
    .map((r) => ({ input: r.input, grammar: r.grammar, accepted: isRejected(r.result) ? null : r.result.text, margin: r.margin, detail: isRejected(r.result) ? r.result.reason : r.margin }));
  const speechOod = rejection.filter((r) => !r.input.includes("@"));
  const noiseWin = rejection.filter((r) => r.input.includes("@"));
  const falseAccepts = rejection.filter((r) => r.accepted !== null);

  const report = {
    date: new Date().toISOString(),
    clips: files.length,
    segmentation,
    grammar: args.grammar === "shipped" ? `shipped: built-in home sentences over ${entitiesFile}, examples/barista.yaml, replies (no question pending)` : "examples/barista.yaml alone",
    backend: args.backend,
    trimMarginMs: trimMarginMs === undefined ? "backend default" : trimMarginMs,
    maxGap,
    threads: workers,
    wallSeconds: Number(wallS.toFixed(1)),
    conditions,
    averageNoisy,
    realTimeFactor: rtf,
    inDomainRejected: conditions[0]!.rejected,
    outOfDomainSpeech: {
      inputs: speechOod.length,
      falseAccepts: speechOod.filter((r) => r.accepted).length,
      highestMargins: speechOod.flatMap((r) => (r.margin !== undefined ? [r.margin] : [])).sort((a, b) => b - a).slice(0, 5).map((m) => Number(m.toFixed(2))),
    },
    noise: { windows: noiseWin.length, falseAccepts: noiseWin.filter((r) => r.accepted).length },
    falseAccepts,
    rejection,
  };

  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const md = [
    args.backend === "pocketsphinx" ? "# Speech to intent (PocketSphinx grammar + phone-loop rejection)" : "# Speech to intent (Moonshine tiny, grammar-constrained beam search + per-token likelihood-ratio rejection)",
    "",
    `${report.date}, ${files.length} barista clips, grammar ${report.grammar}, VAD segmentation ${report.segmentation}, energy trimming ${report.trimMarginMs === null ? "off" : report.trimMarginMs}, rejection threshold ${maxGap}, ${workers} thread(s), ${report.wallSeconds} s.`,
    "",
    "| condition | command accuracy | rejected |",
    "|---|---|---|",
    ...conditions.map((c) => `| ${c.condition} | ${pct(c.accuracy)} | ${pct(c.rejected)} |`),
    averageNoisy !== null ? `| average over SNRs | ${pct(averageNoisy)} | |` : "",
    "",
    `Real-time factor (VAD + recognizer, per thread): ${rtf.toFixed(3)}`,
    "",
    `Lowest margins of understood clean orders: ${conditions[0]!.lowestMargins.slice(0, 5).join(", ")}; highest margins of out-of-domain speech: ${report.outOfDomainSpeech.highestMargins.join(", ")} (threshold -${maxGap}).`,
    "",
    "| out-of-domain input | grammar | inputs | false accepts |",
    "|---|---|---|---|",
    ...grammars.flatMap((g) => [
      `| speech (rhino out-of-context, cards, digits) | ${g} | ${speechOod.filter((r) => r.grammar === g).length} | ${speechOod.filter((r) => r.grammar === g && r.accepted).length} |`,
      `| noise (dishes, music, kitchen), 4 s windows | ${g} | ${noiseWin.filter((r) => r.grammar === g).length} | ${noiseWin.filter((r) => r.grammar === g && r.accepted).length} |`,
    ]),
    "",
    falseAccepts.length ? "False accepts:\n\n" + falseAccepts.map((r) => `- ${r.input} (${r.grammar}): "${r.accepted}" (margin ${r.detail})`).join("\n") : "No false accepts.",
    "",
  ].join("\n");
  console.log(md);
  mkdirSync(join(root, "reports"), { recursive: true });
  writeFileSync(join(root, "reports/speech-intent.md"), md);
  writeFileSync(join(root, "reports/speech-intent.json"), JSON.stringify(report, null, 2));
}

if (isMainThread) await main();
else parentPort!.postMessage(await runJobs(workerData as Job[]));
