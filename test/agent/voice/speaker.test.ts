import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ttsSchema } from "../../../agent/config/tts.ts";
import { Speaker } from "../../../agent/voice/speaker.ts";
import { parseWav } from "../../../models/tts/wav.ts";

test("a response is synthesised by Flite into a valid, audible 16-bit WAV of plausible length", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-tts-"));
  const speaker = new Speaker(ttsSchema.parse({ sink: "file", dir }));
  const spoken = await speaker.say("One large latte with a little bit of soy milk, coming up.");
  assert.ok(spoken?.file);
  assert.deepEqual(readdirSync(dir), [spoken.file.split("/").pop()]);
  const bytes = readFileSync(spoken.file);
  assert.equal(bytes.toString("ascii", 0, 4), "RIFF");
  assert.equal(bytes.readUInt16LE(34), 16, "16 bits per sample");
  const audio = parseWav(bytes, spoken.file);
  assert.equal(audio.channels, 1);
  assert.equal(audio.sampleRate, 16_000);
  const seconds = audio.samples.length / audio.sampleRate;
  // About 12 words: between 1.5 and 8 s of speech at any sane speaking rate.
  assert.ok(seconds > 1.5 && seconds < 8, `${seconds} s`);
  assert.equal(spoken.durationMs, Math.round(seconds * 1000));
  let sum = 0;
  let peak = 0;
  for (const s of audio.samples) {
    sum += s * s;
    peak = Math.max(peak, Math.abs(s));
  }
  const rmsDbfs = 20 * Math.log10(Math.sqrt(sum / audio.samples.length) / 32768);
  assert.ok(rmsDbfs > -40, `speech RMS ${rmsDbfs.toFixed(1)} dBFS is too quiet`);
  assert.ok(peak < 32768, "not clipped");
});

test("speech off produces nothing; empty text and a missing aplay are clear errors", async () => {
  assert.equal(await new Speaker(ttsSchema.parse({ engine: "off" })).say("hello"), null);
  assert.equal(await new Speaker(ttsSchema.parse({ sink: "off" })).say("hello"), null);
  await assert.rejects(new Speaker(ttsSchema.parse({ sink: "file", dir: tmpdir() })).say("  \n "), /tts: nothing to say/);
  const saved = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    await assert.rejects(new Speaker(ttsSchema.parse({ sink: "aplay" })).say("hello"), /tts\.sink aplay: aplay is not installed/);
  } finally {
    process.env.PATH = saved;
  }
});

test("tts config rejects unknown voices and keys", () => {
  assert.throws(() => ttsSchema.parse({ voice: "hal9000" }));
  assert.throws(() => ttsSchema.parse({ volume: 3 }));
  assert.equal(ttsSchema.parse({}).voice, "slt");
});
