/**
 * No half orders, on real split orders: barista clips mixed with kitchen noise at 6 dB SNR (as
 * bench/speech-intent.ts mixes them) that the endpointer splits at a pause (found with
 * `--segmentation utterances`). Through the voice pipeline with the Moonshine grammar recognizer, push-to-talk,
 * each becomes exactly one command with every labelled slot.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { findUtterances } from "../../../agent/audio/speech-segments.ts";
import { framesFromSamples } from "../../../agent/audio/source.ts";
import { parseConfig } from "../../../agent/config/load.ts";
import { loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { voiceEvents, type Recognize, type VoiceEvent } from "../../../agent/voice/pipeline.ts";
import { MoonshineGrammarRecognizer } from "../../../models/asr/moonshine-recognizer.ts";
import { isRejected, type Transcript } from "../../../models/asr/recognizer.ts";
import { speechBounds } from "../../../models/asr/trim-silence.ts";
import { SileroVad } from "../../../models/vad/silero.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const barista = sharedData("spoken-commands/barista");
const missing = sharedDataMissing() ?? (existsSync(barista) ? undefined : `../shared absent: ${barista} not found`);
const config = parseConfig({});
/**
 * Clips the endpointer splits at 6 dB (index in the sorted clip list = the bench's noise seed − 1), pauses of
 * 1.2–2.4 s. On the dev clips no first part is a strict prefix of its labelled order (the parts after the pause
 * are noise or "please"), so this guards the join against breaking real splits; the join itself is tested on
 * a constructed split in pipeline.test.ts.
 */
const SPLIT = ["barista_007.flac", "barista_014.flac", "barista_042.flac", "barista_050.flac"];

let recognizer: MoonshineGrammarRecognizer;
let vad: SileroVad;
let labels: Record<string, { intent: string; slots: Record<string, string> }>;
let files: string[];
let noise: Int16Array;

before(async () => {
  if (missing) return;
  recognizer = await MoonshineGrammarRecognizer.create(loadCustomIntents(join(import.meta.dirname, "../../../examples/barista.yaml")));
  vad = await SileroVad.load();
  labels = JSON.parse(readFileSync(join(barista, "labels.json"), "utf8"));
  files = Object.keys(labels).sort();
  noise = await decodeFile(join(barista, "kitchen-noise.flac"));
});
after(() => recognizer?.close());

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((s, x) => s + x * x, 0) / Math.max(1, pcm.length));

/** Kitchen noise at `snrDb` under the active speech, from the bench's offset for this clip. */
function mix(speech: Int16Array, seed: number, snrDb: number): Int16Array {
  const offset = (seed * 104_729) % Math.max(1, noise.length - speech.length);
  const segment = Int16Array.from(speech, (_, i) => noise[(offset + i) % noise.length]!);
  const [start, end] = speechBounds(speech, { marginMs: 0 });
  const gain = rms(speech.subarray(start, end)) / Math.max(1e-9, rms(segment)) / 10 ** (snrDb / 20);
  return Int16Array.from(speech, (s, i) => Math.max(-32768, Math.min(32767, Math.round(s + gain * segment[i]!))));
}

test("orders the endpointer splits at 6 dB become one whole command, never their first half", { skip: missing, timeout: 300_000 }, async () => {
  const wrong: string[] = [];
  for (const file of SPLIT) {
    const pcm = mix(await decodeFile(join(barista, "clips", file)), files.indexOf(file) + 1, 6);
    assert.ok((await findUtterances(pcm, vad, config.vad)).length > 1, `${file}: the endpointer splits it`);
    const results = new Map<string, Transcript>();
    const recognize: Recognize = async (audio) => {
      const r = await recognizer.recognize(audio);
      if (isRejected(r)) return r;
      results.set(r.text, r);
      return { text: r.text, confidence: r.confidence, ...(r.continues ? { continues: true } : {}) };
    };
    const events: VoiceEvent[] = [];
    for await (const e of voiceEvents({ source: { name: file, frames: framesFromSamples(pcm) }, wake: null, vad, timings: config.vad, recognize })) events.push(e);
    const commands = events.filter((e) => e.type === "transcript");
    const got = commands.map((c) => (c.type === "transcript" ? results.get(c.text)!.slots : null));
    if (commands.length !== 1 || !sameSlots(got[0]!, labels[file]!.slots)) {
      wrong.push(`${file}: ${JSON.stringify(got)} want ${JSON.stringify(labels[file]!.slots)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

function sameSlots(got: Record<string, unknown>, want: Record<string, string>): boolean {
  return Object.keys(got).length === Object.keys(want).length && Object.entries(want).every(([k, v]) => got[k] === v);
}
