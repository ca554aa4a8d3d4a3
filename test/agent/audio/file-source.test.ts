import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeFile, fileSource } from "../../../agent/audio/file-source.ts";
import { AudioSourceError, FRAME_SAMPLES } from "../../../agent/audio/source.ts";
import { encodeWav } from "../../../agent/audio/wav.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();
const tmp = () => mkdtempSync(join(tmpdir(), "hearth-audio-"));

test("decodes FLAC to 16 kHz mono int16 frames of 1280 samples", { skip: missing }, async () => {
  const path = sharedData("speech-misc", "goforward.flac"); // 2.786 s at 16 kHz
  let frames = 0;
  for await (const frame of fileSource(path)) {
    assert.equal(frame.length, FRAME_SAMPLES);
    frames++;
  }
  assert.equal(frames, Math.ceil((2.78625 * 16000) / FRAME_SAMPLES));
});

test("a WAV written by encodeWav decodes back sample for sample, resampled files to 16 kHz", async () => {
  const dir = tmp();
  const pcm = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)));
  writeFileSync(join(dir, "tone.wav"), encodeWav(pcm));
  const back = await decodeFile(join(dir, "tone.wav"));
  assert.deepEqual(back.subarray(0, pcm.length), pcm);
  assert.equal(back.length, Math.ceil(16000 / FRAME_SAMPLES) * FRAME_SAMPLES);
  writeFileSync(join(dir, "tone48k.wav"), encodeWav(Int16Array.from({ length: 48000 }, (_, i) => pcm[Math.floor(i / 3)]!), 48000));
  const resampled = await decodeFile(join(dir, "tone48k.wav"));
  assert.ok(Math.abs(resampled.length - 16000) < FRAME_SAMPLES, `${resampled.length} samples`);
});

test("truncated, garbage and missing files give an error naming the file", { skip: missing }, async () => {
  const dir = tmp();
  const flac = readFileSync(sharedData("speech-misc", "goforward.flac"));
  const cases: Array<[string, Buffer | null, RegExp]> = [
    ["truncated.flac", flac.subarray(0, 20_000), /corrupt, truncated or not audio/],
    ["garbage.wav", Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)), /corrupt, truncated or not audio/],
    ["truncated.wav", encodeWav(new Int16Array(32000)).subarray(0, 20_001), /corrupt, truncated or not audio/],
    ["missing.flac", null, /cannot read file \(ENOENT\)/],
  ];
  for (const [name, bytes, pattern] of cases) {
    const path = join(dir, name);
    if (bytes) writeFileSync(path, bytes);
    await assert.rejects(decodeFile(path), (e: Error) => {
      assert.ok(e instanceof AudioSourceError, `${name}: ${e.message}`);
      assert.equal(e.source, path);
      assert.ok(e.message.startsWith(`audio source ${path}: `), e.message);
      assert.match(e.message, pattern, name);
      return true;
    });
  }
});

test("real-time pacing takes as long as the audio", { skip: missing }, async () => {
  const path = sharedData("wakeword", "alexa", "alexa_000.flac");
  const started = performance.now();
  let frames = 0;
  for await (const _ of fileSource(path, { realtime: true })) frames++;
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= (frames - 1) * 80 - 5, `${frames} frames in ${elapsed.toFixed(0)} ms`);
});
