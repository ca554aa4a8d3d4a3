import assert from "node:assert/strict";
import { test } from "node:test";
import { synthesizeFlite, type FliteVoice } from "../../../models/tts/flite.ts";

test("a dozen long sentences in a row synthesise (in one process, Flite's WASI instances crashed this within a few calls)", async () => {
  for (let i = 0; i < 12; i++) {
    const voice: FliteVoice = i % 2 ? "slt" : "kal16";
    const audio = await synthesizeFlite(`set a timer for ${i + 2} minutes please and then turn on the lights in the kitchen`, voice);
    assert.equal(audio.sampleRate, 16000);
    assert.equal(audio.channels, 1);
    // About four seconds of speech.
    assert.ok(audio.samples.length > 2 * 16000 && audio.samples.length < 10 * 16000, `${audio.samples.length} samples`);
    const peak = audio.samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(peak > 1000, `audible (peak ${peak})`);
  }
});

test("the 8 kHz voice; empty text is refused; text that looks like an option is spoken, not obeyed", async () => {
  assert.equal((await synthesizeFlite("hello there", "kal")).sampleRate, 8000);
  await assert.rejects(synthesizeFlite(" \n\t "), /nothing to say/);
  const spoken = await synthesizeFlite("-voice kal -o /dev/null", "slt");
  assert.equal(spoken.sampleRate, 16000, "still the slt voice");
  assert.ok(spoken.samples.length > 16000);
});
