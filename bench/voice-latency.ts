/**
 * End of speech → MQTT publish latency of the voice pipeline on a real broker,
 * and the memory it takes with every voice model loaded.
 *
 * The same code path as `hearth listen --no-wake --config FILE --input CLIPS`,
 * in-process so that every timestamp comes from one clock (performance.now()):
 * a temporary config (mqtt to --host/--port, intents.files [examples/barista.yaml],
 * asr.backend from --backend), the Agent and its VoiceExtension (the speech
 * recognizer), and listenToFiles() push-to-talk (no wake word: each file is one
 * utterance) over the first --limit clean barista orders of
 * ../shared/data/spoken-commands/barista/clips, each cut to its speech plus
 * 300 ms (energy-based; the clips hold seconds of silence after the order, which
 * would only lengthen the run) and padded with 1 s of digital silence so that the
 * endpointer ends the utterance itself (trailing silence), as it does for a live
 * speaker. Audio is processed as fast as possible (no
 * real-time pacing); a clip waits for its order before the next one starts, so
 * each figure is the unloaded latency. One warm-up clip (the first one, run once
 * more before the measured set) is reported apart, not counted.
 *
 * Latency = from the moment the pipeline emits `speech_end` (its endpointer
 * decided the utterance is over) to the moment a separate MQTT client (mqtt
 * package, subscribed at QoS 1) receives the order on kitchen/coffee_maker/order.
 * Split into recognition (speech_end → the transcript event; early recognition,
 * started at the first pause, can finish before speech_end) and understanding +
 * publish (transcript → order received). A live speaker waits the endpointer's
 * trailing silence (vad.trailing_silence_ms) on top; with `--realtime` (media
 * time = wall time) the report also gives the latency from the end of speech
 * itself, which is what a person waits.
 *
 * Memory: RSS after the recognizer, after the wake word models (config default;
 * loaded and held like the service does, although push-to-talk does not run
 * them) and after Silero VAD, and process.resourceUsage().maxRSS (peak) at the end.
 *
 * `--realtime` paces the files like a live microphone instead (about 5 s per clip).
 * As fast as possible, the audio between the first pause and speech_end takes
 * milliseconds, so early recognition gets little head start: that mode shows
 * most of the recognizer's cost; paced, it measures what a speaker experiences.
 *
 * Run (broker on 127.0.0.1:1883 required; each backend in its own process; logs at
 * warn unless HEARTH_LOG_LEVEL says otherwise):
 *   npx tsx bench/voice-latency.ts [--backend moonshine|pocketsphinx] [--limit 40] [--realtime] [--host 127.0.0.1] [--port 1883]
 * Writes reports/voice-latency.md and reports/voice-latency.json, one section per
 * backend and pacing (a run replaces its own section's figures and keeps the others).
 * Exits 0 with a loud SKIPPED line when ../shared is absent, 1 when the broker is unreachable.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import type { CommandRecord } from "../agent/service/voice-extension.ts";
import type { Recognize } from "../agent/voice/pipeline.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const baristaDir = resolve(root, "..", "shared", "data", "spoken-commands", "barista");
const ORDER_TOPIC = "kitchen/coffee_maker/order";
const PAD_SAMPLES = 16_000; // 1 s of silence after each clip
const ORDER_TIMEOUT_MS = 5_000;
/** Silence kept around each clip's speech (energy-based, as the recognizer trims: it sees the same audio). */
const TRIM_MARGIN_MS = 300;

const { values: args } = parseArgs({
  options: {
    backend: { type: "string", default: "moonshine" },
    limit: { type: "string", default: "40" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "1883" },
    realtime: { type: "boolean", default: false },
  },
});
const backend = args.backend!;
if (backend !== "moonshine" && backend !== "pocketsphinx") throw new Error(`--backend: expected moonshine or pocketsphinx, got ${backend}`);
const limit = Number(args.limit);
if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit: expected a positive integer, got ${args.limit}`);
const port = Number(args.port);
const realtime = args.realtime!;
/** The report section this run writes. */
const section = realtime ? `${backend}, real-time pacing` : backend;

if (!existsSync(baristaDir)) {
  console.error(`\n*** SKIPPED bench/voice-latency: ../shared absent (${baristaDir} not found); nothing measured ***\n`);
  process.exit(0);
}

// hearth's modules read the log level when they load: quiet unless asked (nothing is logged per utterance at info anyway).
process.env.HEARTH_LOG_LEVEL ??= "warn";
const { decodeFile } = await import("../agent/audio/file-source.ts");
const { encodeWav } = await import("../agent/audio/wav.ts");
const { loadConfig } = await import("../agent/config/load.ts");
const { Agent } = await import("../agent/service/agent.ts");
const { VoiceExtension } = await import("../agent/service/voice-extension.ts");
const { listenToFiles, loadVoiceModels } = await import("../agent/voice/listen.ts");
const { SileroVad } = await import("../models/vad/silero.ts");
const { speechBounds } = await import("../models/asr/trim-silence.ts");

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const rssMiB = () => mib(process.memoryUsage().rss);
const round = (x: number) => Math.round(x * 10) / 10;
/** Nearest-rank percentile of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? { n: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted[sorted.length - 1]!), min: round(sorted[0]!), mean: round(values.reduce((a, b) => a + b, 0) / values.length) }
    : { n: 0, p50: NaN, p95: NaN, max: NaN, min: NaN, mean: NaN };
};
/** Same keys and values, whatever the order. */
const sameSlots = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => a[k] === b[k]);

// The broker first: a clear failure before anything heavy loads.
const url = `mqtt://${args.host}:${port}`;
let observer: mqtt.MqttClient;
try {
  observer = await mqtt.connectAsync(url, { protocolVersion: 5, connectTimeout: 5_000, reconnectPeriod: 0, clientId: `bench-voice-latency-sub-${process.pid}` });
} catch (err) {
  console.error(`bench/voice-latency: MQTT broker unreachable at ${url}: ${(err as Error).message}. Start mosquitto there or pass --host/--port.`);
  process.exit(1);
}
const orders: { at: number; payload: string }[] = [];
let orderWaiter: (() => void) | undefined;
observer.on("message", (topic, payload) => {
  if (topic !== ORDER_TOPIC) return;
  orders.push({ at: performance.now(), payload: payload.toString() });
  orderWaiter?.();
});
await observer.subscribeAsync(ORDER_TOPIC, { qos: 1 });

/** The first order received after `after` that was not consumed yet, or null after the timeout. */
let consumed = 0;
async function nextOrder(after: number): Promise<{ at: number; payload: string } | null> {
  const deadline = performance.now() + ORDER_TIMEOUT_MS;
  for (;;) {
    while (consumed < orders.length) {
      const order = orders[consumed++]!;
      if (order.at >= after) return order;
    }
    const left = deadline - performance.now();
    if (left <= 0) return null;
    await new Promise<void>((r) => {
      const timer = setTimeout(r, left);
      orderWaiter = () => {
        clearTimeout(timer);
        r();
      };
    });
    orderWaiter = undefined;
  }
}

// The temporary config.
const dir = mkdtempSync(join(tmpdir(), "hearth-voice-latency-"));
const configFile = join(dir, "hearth.yaml");
writeFileSync(
  configFile,
  [
    "agent: { id: bench-voice-latency }",
    `mqtt: { host: ${JSON.stringify(args.host)}, port: ${port} }`,
    `intents: { files: [${JSON.stringify(join(root, "examples", "barista.yaml"))}] }`,
    `asr: { backend: ${backend} }`,
    "",
  ].join("\n"),
);
const config = loadConfig(configFile);
const trailingSilenceMs = config.vad.trailing_silence_ms;

// Models, as `hearth listen` loads them (agent, then the recognizer), plus the wake word models and VAD for the RSS figure.
const rss = { baseline: rssMiB(), afterRecognizer: 0, afterWakeWord: 0, afterVad: 0, afterRun: 0 };
// observer: a one-shot run next to a possibly running service; no retained status/state left on the shared broker.
const agent = new Agent(config, { failFast: true, observer: true, configFile });
const voice = new VoiceExtension(agent);
let wakeBackend = "";
try {
  await agent.start();
} catch (err) {
  console.error(`bench/voice-latency: hearth cannot connect to the MQTT broker at ${url}: ${(err as Error).message}`);
  await observer.endAsync();
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
await agent.settle();
const loadStarted = performance.now();
await voice.prepare();
const recognizerLoadMs = performance.now() - loadStarted;
rss.afterRecognizer = rssMiB();
const wakeModels = await loadVoiceModels(config, {});
const wakeEngine = await wakeModels.wake!.create(); // held until the end, as a service with a wake word holds it
wakeBackend = `${wakeModels.wake!.backend} (${wakeModels.wake!.models.join(", ")})`;
rss.afterWakeWord = rssMiB();
const vad = await SileroVad.load();
rss.afterVad = rssMiB();
console.log(
  `backend ${backend}: RSS ${rss.baseline} MiB before the models, ${rss.afterRecognizer} after the recognizer (loaded in ${Math.round(recognizerLoadMs)} ms), ` +
    `${rss.afterWakeWord} after the wake word models [${wakeBackend}], ${rss.afterVad} after Silero VAD`,
);

// The clips, after the models so that their buffers stay out of the RSS figures.
const labels = JSON.parse(readFileSync(join(baristaDir, "labels.json"), "utf8")) as Record<string, { intent: string; slots: Record<string, string> }>;
const names = Object.keys(labels).sort().slice(0, limit);
const clips: { name: string; path: string; seconds: number }[] = [];
for (const name of names) {
  const whole = await decodeFile(join(baristaDir, "clips", name));
  const pcm = whole.subarray(...speechBounds(whole, { marginMs: TRIM_MARGIN_MS })); // the clips hold seconds of silence after the order
  const padded = new Int16Array(pcm.length + PAD_SAMPLES);
  padded.set(pcm);
  const path = join(dir, name.replace(/\.[^.]+$/, ".wav"));
  writeFileSync(path, encodeWav(padded));
  clips.push({ name, path, seconds: pcm.length / 16_000 });
}
const warmupPath = join(dir, "warmup.wav");
writeFileSync(warmupPath, readFileSync(clips[0]!.path));

// The run: push-to-talk over the clips, one at a time.
interface ClipResult {
  clip: string;
  warmup: boolean;
  speechEnds: number;
  /** ms from the end of the speech (VAD) to speech_end, in media time: the trailing silence. */
  endpointMs?: number;
  text?: string;
  rejected?: string;
  intent?: string | null;
  payload?: string;
  correct?: boolean;
  /** speech_end → order received, ms wall clock. */
  latencyMs?: number;
  /** speech_end → transcript event. */
  recognitionMs?: number;
  /** transcript event → order received. */
  publishMs?: number;
  /** transcript event → the voice extension handed back the command (understood, handed to MQTT); the rest is delivery. */
  handleMs?: number;
  /** Wall time the speaker stopped talking (speech_end minus the trailing silence; meaningful when paced). */
  speechStoppedAt?: number;
  /** End of speech → order received (paced runs only): what a live speaker waits. */
  fromSpeechMs?: number;
  /** Audio left in the file after speech_end (run through VAD in a burst while recognition runs, unless --realtime). */
  audioAfterEndMs?: number;
  /** CPU time of this process (all threads) from speech_end to the order received. */
  cpuMs?: number;
  /** RSS once the order arrived. */
  rssMiB?: number;
  error?: string;
}
const emitted = new WeakMap<Int16Array, { at: number; cpu: NodeJS.CpuUsage }>();
/** CPU usage when each source's first decode started (an early recognition's audio is not the utterance's). */
const earliestCpu = new Map<string, NodeJS.CpuUsage>();
const recognize: Recognize = (pcm, context) => {
  const cpu = process.cpuUsage();
  emitted.set(pcm, { at: performance.now(), cpu });
  if (!earliestCpu.has(context.source)) earliestCpu.set(context.source, cpu);
  return voice.recognize(pcm, context);
};
const results = new Map<string, ClipResult>();
const resultFor = (source: string) => {
  const clip = source === warmupPath ? `${clips[0]!.name} (warm-up)` : basename(clips.find((c) => c.path === source)?.name ?? source);
  if (!results.has(source)) results.set(source, { clip, warmup: source === warmupPath, speechEnds: 0 });
  return results.get(source)!;
};
/** speech_end wall time and CPU usage by source and media time (a transcript carries its utterance's end as t_ms). */
const speechEndAt = new Map<string, { at: number; cpu?: NodeJS.CpuUsage }>();
const transcriptAt = new Map<string, number>();
const key = (source: string, t_ms: number) => `${source}\u0000${t_ms}`;

const runStarted = performance.now();
try {
  for await (const event of listenToFiles([warmupPath, ...clips.map((c) => c.path)], config, { noWake: true, recognize, realtime }, { wake: null })) {
    const seen = performance.now();
    const r = resultFor(event.source);
    if (event.type === "speech_end") {
      // Early recognition may have started the decode at a pause before this: time from the endpoint itself.
      const mark = emitted.get(event.utterance.pcm);
      const at = seen;
      // Paced like a microphone, media time is wall time: the speaker stopped talking this long before speech_end.
      r.speechStoppedAt = seen - (event.utterance.end_ms - event.utterance.speech_end_ms);
      r.speechEnds++;
      r.endpointMs = round(event.utterance.end_ms - event.utterance.speech_end_ms);
      const seconds = event.source === warmupPath ? clips[0]!.seconds : clips.find((c) => c.path === event.source)?.seconds;
      if (seconds !== undefined) r.audioAfterEndMs = round((seconds + PAD_SAMPLES / 16_000) * 1000 - event.utterance.end_ms);
      speechEndAt.set(key(event.source, event.t_ms), { at, cpu: mark?.cpu ?? earliestCpu.get(event.source) });
    } else if (event.type === "transcript") {
      r.text = event.text;
      transcriptAt.set(key(event.source, event.t_ms), seen);
    } else if (event.type === "rejected") r.rejected = event.reason;
    else if (event.type === "error") r.error = event.message;
    const records: CommandRecord[] = await voice.handle(event);
    const handled = performance.now();
    for (const record of records) {
      if (record.type === "intent") r.intent = record.intent;
      if (record.type !== "command") continue;
      if (record.error) r.error = record.error;
      if (!record.messages.some((m) => m.topic === ORDER_TOPIC)) continue;
      const end = speechEndAt.get(key(record.source, record.t_ms));
      const order = await nextOrder(end?.at ?? runStarted);
      const cpu = end?.cpu ? process.cpuUsage(end.cpu) : undefined;
      if (!order) {
        r.error = `no order received on ${ORDER_TOPIC} within ${ORDER_TIMEOUT_MS} ms of the command`;
        continue;
      }
      r.payload = order.payload;
      r.rssMiB = rssMiB();
      const label = labels[basename(r.clip.replace(/ \(warm-up\)$/, ""))];
      try {
        r.correct = !!label && sameSlots(JSON.parse(order.payload) as Record<string, unknown>, label.slots);
      } catch {
        r.correct = false;
      }
      if (end !== undefined) {
        r.latencyMs = round(order.at - end.at);
        if (realtime && r.speechStoppedAt !== undefined) r.fromSpeechMs = round(order.at - r.speechStoppedAt);
        if (cpu) r.cpuMs = round((cpu.user + cpu.system) / 1000);
        const tAt = transcriptAt.get(key(record.source, record.t_ms));
        if (tAt !== undefined) {
          r.recognitionMs = round(tAt - end.at);
          r.publishMs = round(order.at - tAt);
          r.handleMs = round(handled - tAt);
        }
      }
    }
  }
  rss.afterRun = rssMiB(); // models still loaded
} finally {
  voice.close();
  await agent.stop();
}
const runSeconds = (performance.now() - runStarted) / 1000;
await new Promise((r) => setTimeout(r, 300)); // a late or duplicate order still counts below
const ordersReceived = orders.filter((o) => o.at >= runStarted).length;
await observer.endAsync();
const peakRssMiB = mib(process.resourceUsage().maxRSS * 1024);
void wakeEngine;
void vad;
rmSync(dir, { recursive: true, force: true });

// Figures.
const all = [...results.values()];
const measured = all.filter((r) => !r.warmup);
const warm = all.find((r) => r.warmup);
const latency = stats(measured.flatMap((r) => (r.latencyMs !== undefined ? [r.latencyMs] : [])));
const recognition = stats(measured.flatMap((r) => (r.recognitionMs !== undefined ? [r.recognitionMs] : [])));
const publish = stats(measured.flatMap((r) => (r.publishMs !== undefined ? [r.publishMs] : [])));
const handle = stats(measured.flatMap((r) => (r.handleMs !== undefined ? [r.handleMs] : [])));
const published = measured.filter((r) => r.payload !== undefined).length;
const correct = measured.filter((r) => r.correct).length;
const split = measured.filter((r) => r.speechEnds > 1);
const fromSpeech = stats(measured.flatMap((r) => (r.fromSpeechMs !== undefined ? [r.fromSpeechMs] : [])));
const cpuSpent = stats(measured.flatMap((r) => (r.cpuMs !== undefined ? [r.cpuMs] : [])));
const afterEnd = stats(measured.flatMap((r) => (r.audioAfterEndMs !== undefined ? [r.audioAfterEndMs] : [])));
const endpoint = stats(measured.flatMap((r) => (r.endpointMs !== undefined ? [r.endpointMs] : [])));
const audioSeconds = clips.reduce((s, c) => s + c.seconds, 0);
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at the end`;

const report = {
  date: new Date().toISOString(),
  backend,
  realtime,
  broker: url,
  clips: measured.length,
  audioSeconds: round(audioSeconds),
  runSeconds: round(runSeconds),
  machine,
  trailingSilenceMs,
  latencyMs: latency,
  recognitionMs: recognition,
  publishMs: publish,
  handleMs: handle,
  warmupLatencyMs: warm?.latencyMs ?? null,
  ordersPublished: published,
  ordersReceivedOnTopic: ordersReceived - (warm?.payload !== undefined ? 1 : 0),
  ordersMatchingLabels: correct,
  clipsSplitIntoSeveralUtterances: split.map((r) => r.clip),
  fromEndOfSpeechMs: realtime ? fromSpeech : null,
  cpuMsPerCommand: cpuSpent,
  audioAfterSpeechEndMs: afterEnd,
  endpointTrailingMs: endpoint,
  rssMiB: { ...rss, peak: peakRssMiB },
  recognizerLoadMs: Math.round(recognizerLoadMs),
  wakeWord: wakeBackend,
  perClip: measured,
};

const target = 300;
const lines = [
  `## ${section}`,
  "",
  `${report.date}; ${measured.length} clean barista clips (${report.audioSeconds} s of speech audio, each + 1 s silence), push-to-talk, ${realtime ? "paced in real time" : "as fast as possible"}, broker ${url}, ${report.runSeconds} s run; ${machine}.`,
  "",
  `- speech_end → order received on ${ORDER_TOPIC}: **p50 ${latency.p50} ms, p95 ${latency.p95} ms, max ${latency.max} ms** (min ${latency.min}, mean ${latency.mean}; n = ${latency.n}); target p95 < ${target} ms: ${latency.p95 < target ? "met" : "NOT met"}`,
  ...(realtime ? [`  - from the end of speech (what a live speaker waits, trailing silence included): **p50 ${fromSpeech.p50} ms, p95 ${fromSpeech.p95} ms**`] : []),
  `  - recognition (speech_end → transcript; early recognition may finish before speech_end): p50 ${recognition.p50} ms, p95 ${recognition.p95} ms, max ${recognition.max} ms`,
  `  - understanding + MQTT (transcript → order received): p50 ${publish.p50} ms, p95 ${publish.p95} ms, max ${publish.max} ms (of which until voice.handle() returned: p50 ${handle.p50} ms, p95 ${handle.p95} ms)`,
  `  - warm-up clip (first recognition after loading, not counted): ${warm?.latencyMs ?? "no order"} ms`,
  `- Orders published: ${published}/${measured.length} clips (${report.ordersReceivedOnTopic} messages seen on the topic), ${correct} with exactly the labelled slots`,
  `- A live speaker waits the endpointer's trailing silence on top: vad.trailing_silence_ms = ${trailingSilenceMs} ms (config default), media time before speech_end (measured end of speech → speech_end here: p50 ${endpoint.p50} ms, max ${endpoint.max} ms)`,
  `- RSS: ${rss.baseline} MiB before the models, ${rss.afterRecognizer} MiB after the recognizer, ${rss.afterWakeWord} MiB after the wake word models (${wakeBackend}), **${rss.afterVad} MiB with all voice models loaded**, ${rss.afterRun} MiB after the run (after clip 1/10/20/last: ${[0, 9, 19, measured.length - 1].map((i) => measured[i]?.rssMiB ?? "-").join(" / ")} MiB); **peak RSS (maxRSS) ${peakRssMiB} MiB**`,
  `- CPU time of the process (all threads) from the start of the first decode to the order: p50 ${cpuSpent.p50} ms, p95 ${cpuSpent.p95} ms (${cpuSpent.p50 < 0.8 * latency.p50 ? "well below the wall-clock latency: this process waited for the CPU, which other work held" : "close to the wall-clock latency: the time is this process's own computation"})`,
  `- Audio left after speech_end in each file: p50 ${afterEnd.p50} ms, max ${afterEnd.max} ms${realtime ? "" : " (run through VAD in a burst while the recognizer works: a live microphone delivers it over that time instead)"}`,
  `- Clips split into several utterances: ${split.length ? split.map((r) => r.clip).join(", ") : "none"}`,
  "",
  "| clip | latency ms | recognition ms | publish ms | CPU ms | result |",
  "|---|---:|---:|---:|---:|---|",
  ...all.map(
    (r) =>
      `| ${r.clip} | ${r.latencyMs ?? ""} | ${r.recognitionMs ?? ""} | ${r.publishMs ?? ""} | ${r.cpuMs ?? ""} | ${r.payload ? `${r.correct ? "" : "WRONG "}${r.payload}` : r.rejected ? `rejected: ${r.rejected}` : (r.error ?? (r.text ? `"${r.text}", no order` : "no utterance"))} |`,
  ),
  "",
];
console.log(lines.slice(0, lines.indexOf("| clip | latency ms | recognition ms | publish ms | CPU ms | result |")).join("\n"));

// One report for both backends: this run replaces its own section.
const reportsDir = join(root, "reports");
mkdirSync(reportsDir, { recursive: true });
const jsonPath = join(reportsDir, "voice-latency.json");
const mdPath = join(reportsDir, "voice-latency.md");
let previous: { backends?: Record<string, { markdown: string }> } = {};
try {
  previous = JSON.parse(readFileSync(jsonPath, "utf8")) as typeof previous;
} catch {
  // first run
}
const backends = { ...(previous.backends ?? {}), [section]: { ...report, markdown: lines.join("\n") } };
writeFileSync(jsonPath, JSON.stringify({ backends }, null, 2) + "\n");
writeFileSync(
  mdPath,
  [
    "# Voice latency: end of speech → MQTT publish, and memory",
    "",
    "`npx tsx bench/voice-latency.ts [--backend moonshine|pocketsphinx] [--limit 40] [--realtime]`: `hearth listen`'s pipeline in-process (push-to-talk, Silero VAD endpointer,",
    "grammar recognizer, examples/barista.yaml publishing to kitchen/coffee_maker/order), audio as fast as possible (paced like a microphone with --realtime), one clip at a time.",
    "Latency runs from the pipeline's `speech_end` (wall clock) to a separate MQTT client receiving the order; a live speaker also waits",
    "the endpointer's trailing silence before `speech_end`.",
    "",
    ...Object.keys(backends).sort().map((b) => backends[b]!.markdown),
  ].join("\n"),
);
console.log(`wrote reports/voice-latency.md and reports/voice-latency.json (section "${section}")`);
