import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { findUtterances } from "../../../agent/audio/speech-segments.ts";
import { vadSchema } from "../../../agent/config/vad.ts";
import { SileroVad, VAD_CHUNK_SAMPLES } from "../../../models/vad/silero.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();

test("Silero VAD finds the three digit groups in a real recording", { skip: missing }, async () => {
  const vad = await SileroVad.load();
  // vosk_digits.flac: "one zero zero zero one / nine oh two one oh / zero one eight zero three", pauses between groups.
  const pcm = await decodeFile(sharedData("speech-misc", "vosk_digits.flac"));
  const utterances = await findUtterances(pcm, vad, vadSchema.parse({}));
  assert.equal(utterances.length, 3, JSON.stringify(utterances.map((u) => [u.speech_start_ms, u.speech_end_ms])));
  // Speech regions of the recording (its 100 ms RMS envelope and listening): ~0.9-2.6 s, ~4.0-4.9 s, ~6.3-7.9 s.
  const expected = [[900, 2600], [4000, 4900], [6300, 7900]];
  utterances.forEach((u, i) => {
    assert.ok(Math.abs(u.speech_start_ms - expected[i]![0]!) < 250, `onset ${i}: ${u.speech_start_ms}`);
    assert.ok(Math.abs(u.speech_end_ms - expected[i]![1]!) < 300, `end ${i}: ${u.speech_end_ms}`);
    assert.equal(u.pcm.length, ((u.end_ms - u.start_ms) * 16000) / 1000);
  });
});

test("Silero VAD: high probability on speech, low on silence, independent of frame size", { skip: missing }, async () => {
  const vad = await SileroVad.load();
  const pcm = await decodeFile(sharedData("speech-misc", "turn_on_the_living_room_lamp.flac"));
  const whole = (await vad.process(pcm)).map((c) => c.probability);
  vad.reset();
  const pieces: number[] = [];
  for (let i = 0; i < pcm.length; i += 1280) pieces.push(...(await vad.process(pcm.subarray(i, i + 1280))).map((c) => c.probability));
  assert.deepEqual(pieces, whole);
  assert.equal(whole.length, Math.floor(pcm.length / VAD_CHUNK_SAMPLES));
  const max = Math.max(...whole);
  assert.ok(max > 0.9, `peak speech probability ${max}`);
  assert.ok(whole.slice(0, 5).every((p) => p < 0.2), "leading silence");
  vad.reset();
  const zeros = await vad.process(new Int16Array(16000));
  assert.ok(zeros.every((c) => c.probability < 0.1), "digital silence");
});

test("Silero VAD rejects chunks of the wrong size", { skip: missing }, async () => {
  const vad = await SileroVad.load();
  await assert.rejects(vad.probability(new Int16Array(480)), /512-sample chunks, got 480/);
});

test("Silero VAD still hears a command after a minute of music (its state is cleared while nothing is said)", { skip: missing }, async () => {
  const vad = await SileroVad.load();
  const music = await decodeFile(sharedData("noise", "music_frozen_bubble_1.flac"));
  const lamp = await decodeFile(sharedData("speech-misc", "turn_on_the_living_room_lamp.flac"));
  // 60 s of music at 0.3, then "turn on the living room lamp" over the music going on.
  const at = 60 * 16_000;
  const pcm = new Int16Array(at + lamp.length);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(0.3 * music[i]! + (i >= at ? lamp[i - at]! : 0));
  const probabilities = (await vad.process(pcm)).map((c) => c.probability);
  const mean = (fromS: number, toS: number) => {
    const part = probabilities.slice(Math.floor((fromS * 16_000) / VAD_CHUNK_SAMPLES), Math.floor((toS * 16_000) / VAD_CHUNK_SAMPLES));
    return part.reduce((s, p) => s + p, 0) / part.length;
  };
  assert.ok(mean(50, 59) < 0.1, `music alone: ${mean(50, 59)}`);
  // The command's speech (0.32-1.47 s into the clip); with the drifted state it averaged 0.05.
  assert.ok(mean(60.4, 61.4) > 0.5, `speech over music after a minute of it: ${mean(60.4, 61.4)}`);
});
