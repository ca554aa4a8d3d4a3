/**
 * A wake word inside the word, on real audio: a real "alexa" (alexa_003, detected at 880 ms while 272 ms of the
 * word are still to come, with no gap) and, 1.5 s after it, a real coffee order (barista_000), through the
 * product's listen wiring (`listenToSources`: openWakeWord, Silero VAD, endpointer, the Moonshine grammar
 * recognizer on examples/barista.yaml); only the microphone is fake (frames from the recordings).
 *
 * `wake_tail_max_ms` is set to 200 ms so that this clip's tail runs past it, as longer tails do at the default
 * 500 ms (no dev clip has one: their tails end in a gap the endpointer already drops).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { framesFromSamples } from "../../../agent/audio/source.ts";
import { parseConfig } from "../../../agent/config/load.ts";
import { loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { listenToSources } from "../../../agent/voice/listen.ts";
import type { Recognize, VoiceEvent } from "../../../agent/voice/pipeline.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { isRejected, type Transcript } from "../../../models/asr/recognizer.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const barista = sharedData("spoken-commands/barista");
const missing = sharedDataMissing() ?? (existsSync(barista) ? undefined : `../shared absent: ${barista} not found`);
const config = parseConfig({ vad: { wake_tail_max_ms: 200 } });
const RATE = 16_000;
let recognizer: MoonshineGrammarRecognizer;
let alexa: Int16Array;
let order: Int16Array;
let label: { intent: string; slots: Record<string, string> };

before(async () => {
  if (missing) return;
  recognizer = await MoonshineGrammarRecognizer.create(loadCustomIntents(join(import.meta.dirname, "../../../examples/barista.yaml")));
  alexa = await decodeFile(sharedData("wakeword", "alexa", "alexa_003.flac"));
  order = await decodeFile(join(barista, "clips", "barista_000.flac"));
  label = JSON.parse(readFileSync(join(barista, "labels.json"), "utf8"))["barista_000.flac"];
});
after(() => recognizer?.close());

const ms = (n: number) => Math.round((n * RATE) / 1000);
const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};

/** Everything the pipeline reports for `pcm` heard by a fake kitchen microphone, and every decode's length (ms). */
async function hear(pcm: Int16Array): Promise<{ events: VoiceEvent[]; decodes: number[]; results: Map<string, Transcript> }> {
  const decodes: number[] = [];
  const results = new Map<string, Transcript>();
  const recognize: Recognize = async (audio) => {
    decodes.push((audio.length * 1000) / RATE);
    const r = await recognizer.recognize(audio);
    if (isRejected(r)) return r;
    results.set(r.text, r);
    return { text: r.text, confidence: r.confidence, ...(r.continues ? { continues: true } : {}) };
  };
  const events: VoiceEvent[] = [];
  for await (const e of listenToSources([{ name: "kitchen", area: "Kitchen", frames: framesFromSamples(pcm) }], config, { recognize })) events.push(e);
  return { events, decodes, results };
}

test("the rest of 'alexa' taken for a command is dropped, and the order said 1.5 s later is acted on", { skip: missing, timeout: 120_000 }, async () => {
  const { events, decodes, results } = await hear(concat(alexa, new Int16Array(ms(1500)), order, new Int16Array(ms(3000))));
  const trace = events.map((e) => `${e.type}@${Math.round(e.t_ms)}${e.type === "speech_end" ? `(${e.utterance.start_ms}-${e.utterance.end_ms}${e.utterance.started_at_arm ? ", at the wake point" : ""})` : ""}`).join(" ");
  const ends = events.filter((e) => e.type === "speech_end");
  assert.equal(ends.length, 2, trace);
  assert.ok(ends[0]!.type === "speech_end" && ends[0].utterance.started_at_arm, `the tail is taken for a same-breath command first: ${trace}`);
  const outcomes = events.filter((e) => e.type === "transcript" || e.type === "rejected");
  assert.equal(outcomes.length, 1, `one outcome, the order's: ${trace}`);
  const command = outcomes[0]!;
  assert.ok(command.type === "transcript", trace);
  assert.deepEqual(results.get(command.text)!.slots, label.slots);
  const orderAt = ((alexa.length + ms(1500)) * 1000) / RATE;
  assert.ok(command.utterance_start_ms >= orderAt - config.vad.pre_roll_ms, `the command starts at the order (${command.utterance_start_ms} ms), not at the tail`);
  // The tail is not decoded together with the order: every decode is at most the order's own utterance.
  assert.ok(Math.max(...decodes) < (order.length * 1000) / RATE + 1000, `decodes of ${decodes.join(", ")} ms`);
});

test("the wake word's tail with nothing after it reports no outcome", { skip: missing, timeout: 120_000 }, async () => {
  const { events } = await hear(concat(alexa, new Int16Array(ms(6000))));
  const types = events.map((e) => e.type);
  assert.deepEqual(types, ["wake", "speech_start", "speech_end"], "no rejected event, no free transcript for the fallback");
});
