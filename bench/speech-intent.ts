/**
 * Speech-to-intent benchmark on the 200 real barista orders
 * (../shared/data/spoken-commands/barista, Picovoice speech-to-intent
 * benchmark): command accuracy (intent and every labelled slot exact, no extra
 * slot) on clean audio and with kitchen noise mixed in at 24, 18, 12 and 6 dB
 * SNR; recognizer real-time factor; rejection of out-of-domain speech (under
 * the coffee grammar and a small home grammar) and of noise; rejection rate of
 * in-domain orders.
 *
 * Noise mixing: for each clip a segment of kitchen-noise.flac at a fixed
 * pseudo-random offset, scaled so that 20·log10(rms(speech clip) / rms(noise))
 * equals the target SNR, added, and clipped to int16.
 *
 * By default every input first goes through the voice pipeline's Silero VAD
 * and endpointer (agent/audio/speech-segments.ts), as it does in `hearth
 * listen`: no utterance means no command, otherwise the span from the first
 * utterance's start to the last one's end is recognised. `--no-vad` feeds the
 * whole clip to the recognizer (which then only trims by energy).
 *
 *   npx tsx bench/speech-intent.ts [--limit N] [--snr 24,18,12,6] [--max-loop-gap X] [--no-trim] [--no-vad]
 *
 * Prints a table and writes reports/speech-intent.md and reports/speech-intent.json.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { decodeFile as decodeAudioFile } from "../agent/audio/file-source.ts";
import { loadCustomIntents } from "../agent/intent/custom-intents.ts";
import { findUtterances } from "../agent/audio/speech-segments.ts";
import { vadSchema } from "../agent/config/vad.ts";
import { PocketSphinxRecognizer } from "../models/asr/pocketsphinx.ts";
import { SileroVad } from "../models/vad/silero.ts";
import { isRejected, type RecognitionResult } from "../models/asr/recognizer.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const shared = join(root, "../shared/data");
const baristaDir = join(shared, "spoken-commands/barista");

const { values: args } = parseArgs({
  options: {
    limit: { type: "string" },
    snr: { type: "string", default: "24,18,12,6" },
    "max-loop-gap": { type: "string" },
    "no-trim": { type: "boolean", default: false },
    "no-vad": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});

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

/** Add `noise` (looped from a clip-specific offset) at `snrDb` below the speech's RMS. */
function mixAtSnr(speech: Int16Array, noise: Int16Array, snrDb: number, seed: number): Int16Array {
  const offset = (seed * 104_729) % Math.max(1, noise.length - speech.length);
  const segment = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) segment[i] = noise[(offset + i) % noise.length]!;
  const gain = rms(speech) / Math.max(1e-9, rms(segment)) / 10 ** (snrDb / 20);
  const out = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(speech[i]! + gain * segment[i]!)));
  return out;
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
  const options = {
    maxLoopGap: args["max-loop-gap"] !== undefined ? Number(args["max-loop-gap"]) : undefined,
    trimMarginMs: args["no-trim"] ? null : undefined,
  };

  const barista = await PocketSphinxRecognizer.create(loadCustomIntents(join(root, "examples/barista.yaml")), options);
  const home = await PocketSphinxRecognizer.create(loadCustomIntents(join(root, "test/fixtures/home-intents.yaml")), options);

  const vad = args["no-vad"] ? null : await SileroVad.load();
  const timings = vadSchema.parse({});
  /** The pipeline's view of an input: the VAD's speech span, or null when it hears no speech. */
  const speechSpan = async (pcm: Int16Array): Promise<Int16Array | null> => {
    if (!vad) return pcm;
    const utterances = await findUtterances(pcm, vad, timings);
    if (!utterances.length) return null;
    const start = Math.round((utterances[0]!.start_ms * 16_000) / 1000);
    const end = Math.round((utterances[utterances.length - 1]!.end_ms * 16_000) / 1000);
    return pcm.subarray(start, end);
  };
  const recognize = async (rec: PocketSphinxRecognizer, pcm: Int16Array): Promise<RecognitionResult> => {
    const span = await speechSpan(pcm);
    return span ? rec.recognize(span) : { rejected: true, reason: "no speech (VAD)" };
  };

  console.log(`decoding ${files.length} barista clips…`);
  const clean = await Promise.all(files.map(async (f) => ({ file: f, pcm: await decodeAudioFile(join(baristaDir, "clips", f)) })));
  const kitchen = await decodeAudioFile(join(baristaDir, "kitchen-noise.flac"));

  let audioSeconds = 0;
  let decodeMs = 0;
  const runSet = async (name: string, clips: { file: string; pcm: Int16Array }[]) => {
    let ok = 0;
    let rejected = 0;
    const errors: { file: string; expected: Label["slots"]; got: string }[] = [];
    const margins: number[] = [];
    for (const { file, pcm } of clips) {
      const t0 = performance.now();
      const result = await recognize(barista, pcm);
      decodeMs += performance.now() - t0;
      audioSeconds += pcm.length / 16_000;
      if (!isRejected(result) && result.loopMargin !== undefined) margins.push(result.loopMargin);
      if (understood(result, labels[file]!)) ok++;
      else {
        if (isRejected(result)) rejected++;
        errors.push({ file, expected: labels[file]!.slots, got: isRejected(result) ? `rejected: ${result.reason}` : `${result.text} → ${JSON.stringify(result.slots)}` });
      }
    }
    margins.sort((a, b) => a - b);
    const lowestMargins = margins.slice(0, 10).map((m) => Number(m.toFixed(2)));
    const row = { condition: name, clips: clips.length, accuracy: ok / clips.length, rejected: rejected / clips.length, lowestMargins, errors };
    console.log(`${name.padEnd(8)} accuracy ${(row.accuracy * 100).toFixed(1)} %  rejected ${(row.rejected * 100).toFixed(1)} %  lowest accepted margins ${lowestMargins.join(" ")}`);
    if (args.verbose) for (const e of errors) console.log(`   ${e.file}: ${e.got}  (want ${JSON.stringify(e.expected)})`);
    return row;
  };

  const conditions = [await runSet("clean", clean)];
  for (const snr of snrs) {
    conditions.push(await runSet(`${snr} dB`, clean.map(({ file, pcm }, i) => ({ file, pcm: mixAtSnr(pcm, kitchen, snr, i + 1) }))));
  }
  const noisy = conditions.slice(1);
  const averageNoisy = noisy.length ? noisy.reduce((s, c) => s + c.accuracy, 0) / noisy.length : null;

  // Out-of-domain speech and noise: every accepted command is a false accept.
  const miscDir = join(shared, "speech-misc");
  const outOfDomain = readdirSync(miscDir).filter((f) => /^(rhino_out_of_context|cards_\d+|vosk_digits)\.flac$/.test(f)).sort();
  const rejection: { input: string; grammar: string; accepted: string | null; detail?: string | number }[] = [];
  for (const f of outOfDomain) {
    const pcm = await decodeAudioFile(join(miscDir, f));
    for (const [grammar, rec] of [["coffee", barista], ["home", home]] as const) {
      const r = await recognize(rec, pcm);
      rejection.push({ input: f, grammar, accepted: isRejected(r) ? null : r.text, detail: isRejected(r) ? r.reason : r.loopMargin });
    }
  }
  // Noise, cut into 4 s windows (an utterance's typical length).
  const noiseFiles = [...readdirSync(join(shared, "noise")).map((f) => join(shared, "noise", f)), join(baristaDir, "kitchen-noise.flac")];
  for (const path of noiseFiles) {
    const pcm = await decodeAudioFile(path);
    for (let start = 0; start + 64_000 <= pcm.length; start += 64_000) {
      const window = pcm.subarray(start, start + 64_000);
      for (const [grammar, rec] of [["coffee", barista], ["home", home]] as const) {
        const r = await recognize(rec, window);
        rejection.push({ input: `${path.split("/").pop()}@${start / 16_000}s`, grammar, accepted: isRejected(r) ? null : r.text, detail: isRejected(r) ? r.reason : r.loopMargin });
      }
    }
  }
  const speechOod = rejection.filter((r) => !r.input.includes("@"));
  const noiseWin = rejection.filter((r) => r.input.includes("@"));
  const falseAccepts = rejection.filter((r) => r.accepted !== null);

  const rtf = decodeMs / 1000 / audioSeconds;
  const report = {
    date: new Date().toISOString(),
    clips: files.length,
    trim: !args["no-trim"],
    vad: !args["no-vad"],
    maxLoopGap: options.maxLoopGap ?? "default",
    conditions: conditions.map(({ errors, ...c }) => ({ ...c, errors: errors.slice(0, 50) })),
    averageNoisy,
    realTimeFactor: rtf,
    inDomainRejected: conditions[0]!.rejected,
    outOfDomainSpeech: { windows: speechOod.length, falseAccepts: speechOod.filter((r) => r.accepted).length },
    noise: { windows: noiseWin.length, falseAccepts: noiseWin.filter((r) => r.accepted).length },
    falseAccepts,
  };

  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const md = [
    "# Speech to intent (PocketSphinx grammar + phone-loop rejection)",
    "",
    `${report.date}, ${files.length} barista clips, Silero VAD segmentation ${report.vad ? "on" : "off"}, energy trimming ${report.trim ? "on" : "off"}, max_loop_gap ${report.maxLoopGap}.`,
    "",
    "| condition | command accuracy | rejected |",
    "|---|---|---|",
    ...conditions.map((c) => `| ${c.condition} | ${pct(c.accuracy)} | ${pct(c.rejected)} |`),
    averageNoisy !== null ? `| average over SNRs | ${pct(averageNoisy)} | |` : "",
    "",
    `Real-time factor (decode time / audio time, both decoders, one core): ${rtf.toFixed(3)}`,
    "",
    "| out-of-domain input | grammar | windows | false accepts |",
    "|---|---|---|---|",
    ...(["coffee", "home"] as const).flatMap((g) => [
      `| speech (rhino out-of-context, cards, digits) | ${g} | ${speechOod.filter((r) => r.grammar === g).length} | ${speechOod.filter((r) => r.grammar === g && r.accepted).length} |`,
      `| noise (dishes, music, kitchen), 4 s windows | ${g} | ${noiseWin.filter((r) => r.grammar === g).length} | ${noiseWin.filter((r) => r.grammar === g && r.accepted).length} |`,
    ]),
    "",
    falseAccepts.length ? "False accepts:\n\n" + falseAccepts.map((r) => `- ${r.input} (${r.grammar}): "${r.accepted}"`).join("\n") : "No false accepts.",
    "",
  ].join("\n");
  console.log(md);
  mkdirSync(join(root, "reports"), { recursive: true });
  writeFileSync(join(root, "reports/speech-intent.md"), md);
  writeFileSync(join(root, "reports/speech-intent.json"), JSON.stringify(report, null, 2));
  barista.close();
  home.close();
}

await main();
