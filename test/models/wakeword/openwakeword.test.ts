import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { before, test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { wakeWordModelSchema } from "../../../agent/config/wakeword.ts";
import { OpenWakeWordModels, type OpenWakeWordDetector } from "../../../models/wakeword/openwakeword.ts";
import { modelPath } from "../../../models/store.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();
const SECOND = 16_000;
let models: OpenWakeWordModels;
let detector: OpenWakeWordDetector;

before(async () => {
  if (missing) return;
  models = await OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: "alexa" })]);
  detector = await models.detector();
});

const decoded = new Map<string, Array<{ file: string; pcm: Int16Array }>>();
/** Decode every clip of a folder once (kept for the other tests), two ffmpeg processes at a time. */
async function decodeFolder(...parts: string[]): Promise<Array<{ file: string; pcm: Int16Array }>> {
  const dir = sharedData(...parts);
  if (decoded.has(dir)) return decoded.get(dir)!;
  const files = readdirSync(dir).filter((f) => f.endsWith(".flac")).sort();
  const out: Array<{ file: string; pcm: Int16Array }> = [];
  for (let i = 0; i < files.length; i += 2) {
    const pair = files.slice(i, i + 2);
    out.push(...(await Promise.all(pair.map(async (file) => ({ file, pcm: await decodeFile(`${dir}/${file}`) })))));
  }
  decoded.set(dir, out);
  return out;
}

/** Detections of one clip heard alone: a fresh stream (primed with silence), 1 s of silence after it. */
async function detections(pcm: Int16Array): Promise<{ count: number; max: number }> {
  await detector.reset();
  const a = await detector.process(pcm);
  const b = await detector.process(new Int16Array(SECOND));
  const frames = [...a.frames, ...b.frames];
  return { count: a.detections.length + b.detections.length, max: Math.max(...frames.map((f) => f.scores.alexa!)) };
}

test("at least 90 of the 100 real 'alexa' clips are detected; none of the 60 'computer' clips", { skip: missing }, async () => {
  const alexa = await decodeFolder("wakeword", "alexa");
  assert.equal(alexa.length, 100);
  const missed: string[] = [];
  for (const clip of alexa) if ((await detections(clip.pcm)).count === 0) missed.push(clip.file);
  assert.ok(missed.length <= 10, `missed ${missed.length}: ${missed.join(", ")}`);

  const computer = await decodeFolder("wakeword", "negative", "computer");
  assert.equal(computer.length, 60);
  const falseWakes: string[] = [];
  for (const clip of computer) {
    const r = await detections(clip.pcm);
    if (r.count) falseWakes.push(`${clip.file} (${r.max.toFixed(2)})`);
  }
  assert.deepEqual(falseWakes, []);
});

/** `db` louder and hard-clipped at int16 full scale, as a speaker close to the microphone records it. */
const hot = (pcm: Int16Array, db: number) => Int16Array.from(pcm, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 10 ** (db / 20)))));

test("+12 dB and hard-clipped, the 100 'alexa' clips are detected about as often as at their own level; no 'computer' clip wakes it", { skip: missing, timeout: 600_000 }, async () => {
  const alexa = await decodeFolder("wakeword", "alexa");
  let normal = 0;
  const lostWhenLoud: string[] = [];
  let loud = 0;
  let clipped = 0;
  for (const clip of alexa) {
    const atLevel = (await detections(clip.pcm)).count > 0;
    const louder = hot(clip.pcm, 12);
    clipped += louder.filter((s) => s === 32767 || s === -32768).length / louder.length;
    const whenLoud = (await detections(louder)).count > 0;
    normal += atLevel ? 1 : 0;
    loud += whenLoud ? 1 : 0;
    if (atLevel && !whenLoud) lostWhenLoud.push(clip.file);
  }
  assert.ok(clipped / alexa.length > 0.001, `the loud versions are clipped (${((100 * clipped) / alexa.length).toFixed(2)} % of samples)`);
  assert.ok(loud >= normal - 2, `detected ${loud} loud against ${normal} at their level; lost: ${lostWhenLoud.join(", ")}`);
  const falseWakes: string[] = [];
  for (const clip of await decodeFolder("wakeword", "negative", "computer")) {
    const r = await detections(hot(clip.pcm, 12));
    if (r.count) falseWakes.push(`${clip.file} (${r.max.toFixed(2)})`);
  }
  assert.deepEqual(falseWakes, []);
});

test("scores do not depend on how the input is chunked", { skip: missing }, async () => {
  const pcm = await decodeFile(sharedData("wakeword", "alexa", "alexa_010.flac"));
  const run = async (size: number) => {
    await detector.reset();
    const frames = [];
    const found = [];
    for (let i = 0; i < pcm.length; i += size) {
      const r = await detector.process(pcm.subarray(i, i + size));
      frames.push(...r.frames);
      found.push(...r.detections);
    }
    return { frames, found };
  };
  const reference = await run(1280);
  assert.ok(reference.found.length === 1, "the clip is detected");
  assert.equal(reference.frames.length, Math.floor(pcm.length / 1280));
  for (const size of [1, 333, 512, 4000, pcm.length]) {
    const other = await run(size);
    assert.deepEqual(other.frames, reference.frames, `chunks of ${size} samples`);
    assert.deepEqual(other.found, reference.found, `chunks of ${size} samples`);
  }
});

test("silence and music never wake it", { skip: missing }, async () => {
  assert.equal((await detections(new Int16Array(20 * SECOND))).count, 0);
  const music = await decodeFile(sharedData("noise", "music_frozen_bubble_1.flac"));
  const slice = music.subarray(60 * SECOND, 120 * SECOND);
  const r = await detections(slice);
  assert.equal(r.count, 0, `max score ${r.max}`);
});

test("several keyword models share one feature pipeline without changing each other's scores", { skip: missing }, async () => {
  const both = await OpenWakeWordModels.load([
    wakeWordModelSchema.parse({ model: "alexa" }),
    wakeWordModelSchema.parse({ model: "hey_jarvis", threshold: 0.6 }),
  ]);
  const d = await both.detector();
  assert.deepEqual(d.models, ["alexa", "hey_jarvis"]);
  const pcm = await decodeFile(sharedData("wakeword", "alexa", "alexa_020.flac"));
  const shared = await d.process(pcm);
  await detector.reset();
  const alone = await detector.process(pcm);
  assert.deepEqual(shared.frames.map((f) => f.scores.alexa), alone.frames.map((f) => f.scores.alexa));
  assert.deepEqual(shared.detections.map((x) => x.model), ["alexa"]);
  assert.ok(Math.max(...shared.frames.map((f) => f.scores.hey_jarvis!)) < 0.1);
});

test("a classifier given by path is first-class; wrong files and names are named in the error", { skip: missing }, async () => {
  const path = await modelPath("oww-hey-rhasspy"); // any openWakeWord-compatible classifier file
  const custom = await OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: path, name: "rhasspy_custom" })]);
  assert.equal(custom.classifiers[0]!.ref.name, "rhasspy_custom");
  assert.equal(custom.classifiers[0]!.window, 16);
  const vadPath = await modelPath("silero-vad-v5");
  await assert.rejects(OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: vadPath })]), (e: Error) =>
    e.message.includes(vadPath) && /not an openWakeWord classifier/.test(e.message));
  await assert.rejects(OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: "/nonexistent/x.onnx" })]), /\/nonexistent\/x.onnx: file not found/);
  await assert.rejects(OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: "okay_toaster" })]), /"okay_toaster" is neither a file nor a built-in model \(built-in: alexa, hey_jarvis/);
  await assert.rejects(
    OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: "alexa" }), wakeWordModelSchema.parse({ model: "oww-alexa" })]),
    /name "alexa" is used twice/,
  );
});

test("threshold, patience and refractory period gate the detections", { skip: missing }, async () => {
  const pcm = await decodeFile(sharedData("wakeword", "alexa", "alexa_010.flac"));
  const twice = new Int16Array(pcm.length * 2);
  twice.set(pcm);
  twice.set(pcm, pcm.length);
  const count = async (config: object) => {
    const m = await OpenWakeWordModels.load([wakeWordModelSchema.parse({ model: "alexa", ...config })]);
    const d = await m.detector();
    return (await d.process(twice)).detections.length;
  };
  const clipMs = (pcm.length / SECOND) * 1000;
  assert.equal(await count({ refractory_ms: 0, patience: 1 }) >= 2, true);
  assert.equal(await count({ refractory_ms: clipMs * 3 }), 1);
  assert.equal(await count({ refractory_ms: 0, patience: 40 }), 0);
  assert.equal(await count({ threshold: 1 }), 0);
});
