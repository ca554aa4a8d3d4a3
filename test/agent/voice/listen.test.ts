import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeFile, fileSource } from "../../../agent/audio/file-source.ts";
import { framesFromSamples } from "../../../agent/audio/source.ts";
import { parseConfig } from "../../../agent/config/load.ts";
import { expandInputs, listenToFiles, listenToSources, loadVoiceModels } from "../../../agent/voice/listen.ts";
import type { VoiceEvent } from "../../../agent/voice/pipeline.ts";
import { modelPath } from "../../../models/store.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();
const config = parseConfig({});

async function collect(events: AsyncIterable<VoiceEvent>): Promise<VoiceEvent[]> {
  const out: VoiceEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

test("--wake-word replaces the configured models: by built-in name or by .onnx path", { skip: missing }, async () => {
  const clip = sharedData("wakeword", "alexa", "alexa_003.flac");
  const jarvis = await collect(listenToFiles([clip], config, { wakeWords: ["hey_jarvis"] }));
  assert.deepEqual(jarvis, []);
  const byPath = await collect(listenToFiles([clip], config, { wakeWords: [await modelPath("oww-alexa")] }));
  assert.equal(byPath[0]?.type, "wake");
  assert.ok(byPath[0]!.type === "wake" && byPath[0].model === "alexa_v0.1");
});

test("two microphones hearing the same wake word: only the one that heard it best answers", { skip: missing }, async () => {
  const models = await loadVoiceModels(config, {});
  const clip = await decodeFile(sharedData("wakeword", "alexa", "alexa_003.flac"));
  const quiet = clip.map((s) => Math.round(s / 8)); // another microphone, 18 dB quieter (it may still score higher)
  const padded = (pcm: Int16Array) => {
    const out = new Int16Array(pcm.length + 16_000);
    out.set(pcm);
    return out;
  };
  // Heard alone, each microphone wakes; the higher score (deterministic) says which one must win together.
  const alone = async (pcm: Int16Array) =>
    (await collect(listenToSources([{ name: "x", frames: framesFromSamples(padded(pcm)) }], config, {}, models))).find((e) => e.type === "wake");
  const near = await alone(clip);
  const far = await alone(quiet);
  assert.ok(near?.type === "wake" && far?.type === "wake", "both wake alone");
  const winner = near.score >= far.score ? "kitchen" : "hall";
  // Together, paced in real time so both detections fall in the same 500 ms window.
  const paced = async function* (pcm: Int16Array) {
    const started = performance.now();
    let i = 0;
    for await (const frame of framesFromSamples(padded(pcm))) {
      const wait = started + i++ * 80 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      yield frame;
    }
  };
  const events = await collect(
    listenToSources(
      [
        { name: "kitchen", area: "kitchen", frames: paced(clip) },
        { name: "hall", area: "hall", frames: paced(quiet) },
      ],
      config,
      {},
      models,
    ),
  );
  const wakes = events.filter((e) => e.type === "wake");
  assert.equal(wakes.length, 1, JSON.stringify(wakes));
  assert.equal(wakes[0]!.source, winner);
  assert.equal(wakes[0]!.area, winner);
});

test("a source without its wake word gate segments every utterance", { skip: missing }, async () => {
  const events = await collect(
    listenToSources([{ name: "desk", wakeWord: false, frames: fileSource(sharedData("speech-misc", "goforward.flac")) }], config),
  );
  assert.deepEqual(events.map((e) => e.type), ["speech_start", "speech_end"]);
});

test("inputs: a directory gives its audio files, sorted; one without any, or a missing path, is an error naming it", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-inputs-"));
  writeFileSync(join(dir, "b.flac"), "");
  writeFileSync(join(dir, "a.WAV"), "");
  writeFileSync(join(dir, "notes.txt"), "");
  assert.deepEqual(expandInputs([dir, "-"]), [join(dir, "a.WAV"), join(dir, "b.flac"), "-"]);
  const empty = join(dir, "empty");
  mkdirSync(empty);
  assert.throws(() => expandInputs([empty]), new RegExp(`^Error: input ${empty}: no audio files`));
  assert.throws(() => expandInputs([join(dir, "nope.wav")]), /nope\.wav: no such file or directory/);
});
