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
