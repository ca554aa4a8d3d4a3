import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { microphoneSource } from "../../../agent/audio/microphone-source.ts";
import { resilientSource, type SourceState } from "../../../agent/audio/resilient-source.ts";
import { rawPcmSource } from "../../../agent/audio/stdin-source.ts";
import { AudioSourceError, FRAME_SAMPLES, collectFrames } from "../../../agent/audio/source.ts";
import { encodeWav } from "../../../agent/audio/wav.ts";
import { microphoneSchema } from "../../../agent/config/audio.ts";

const bytes = (samples: Int16Array) => Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);

test("raw PCM on a stream is cut into 1280-sample frames whatever the chunking", async () => {
  const pcm = Int16Array.from({ length: 3000 }, (_, i) => i - 1500);
  const raw = bytes(pcm);
  const pieces = [raw.subarray(0, 1001), raw.subarray(1001, 4001), raw.subarray(4001)]; // split mid-sample
  const out = await collectFrames(rawPcmSource(Readable.from(pieces), "stdin"));
  assert.equal(out.length, 3 * FRAME_SAMPLES);
  assert.deepEqual(out.subarray(0, 3000), pcm);
  assert.ok(out.subarray(3000).every((s) => s === 0), "last frame zero-padded");
});

test("raw PCM: a WAV container or an odd byte count is a clear error naming the source", async () => {
  await assert.rejects(collectFrames(rawPcmSource(Readable.from([encodeWav(new Int16Array(100))]), "stdin")), (e: AudioSourceError) =>
    e.source === "stdin" && /carries a WAV file, not raw 16 kHz s16le PCM/.test(e.message));
  await assert.rejects(collectFrames(rawPcmSource(Readable.from([Buffer.alloc(2561)]), "stdin")), /audio source stdin: stream ended inside a sample \(1 trailing bytes\): not 16-bit PCM/);
});

test("a microphone whose recorder is not installed or whose device cannot be opened names the microphone", async () => {
  // arecord is not installed on this machine; sox is, but has no such device.
  const noArecord = microphoneSchema.parse({ name: "kitchen", recorder: "arecord", device: "plughw:9,0" });
  await assert.rejects(collectFrames(microphoneSource(noArecord)), (e: AudioSourceError) => {
    assert.match(e.message, /^audio source microphone kitchen: /);
    return /cannot start arecord \(not installed\?\)|arecord \(device plughw:9,0\) exited/.test(e.message);
  });
  const badDevice = microphoneSchema.parse({ name: "hall", recorder: "sox", device: "hearth-no-such-device" });
  await assert.rejects(
    collectFrames(microphoneSource(badDevice)),
    /audio source microphone hall: (sox \(device hearth-no-such-device\) exited with \d+|cannot start sox \(not installed\?\))/,
  );
});

test("a live source restarts with backoff and a restarting state, and stops on abort", async () => {
  const states: string[] = [];
  const delays: number[] = [];
  let opened = 0;
  let lastFailure = 0;
  const controller = new AbortController();
  async function* flaky(): AsyncGenerator<Int16Array> {
    opened++;
    if (lastFailure) delays.push(performance.now() - lastFailure);
    if (opened <= 3) {
      lastFailure = performance.now();
      throw new AudioSourceError("microphone test", "device busy");
    }
    yield new Int16Array(FRAME_SAMPLES).fill(opened);
    yield new Int16Array(FRAME_SAMPLES).fill(opened);
  }
  const frames: number[] = [];
  for await (const frame of resilientSource("test", flaky, {
    minDelayMs: 20,
    maxDelayMs: 50,
    signal: controller.signal,
    onState: (state: SourceState, error?: Error) => states.push(error ? `${state}: ${error.message}` : state),
  })) {
    frames.push(frame[0]!);
    if (frames.length === 2) controller.abort();
  }
  assert.deepEqual(frames, [4, 4]);
  assert.deepEqual(states, [
    "starting",
    "restarting: audio source microphone test: device busy",
    "restarting: audio source microphone test: device busy",
    "restarting: audio source microphone test: device busy",
    "running",
    "stopped",
  ]);
  // 20, 40, then capped at 50 ms.
  [20, 40, 50].forEach((d, i) => assert.ok(delays[i]! >= d - 2 && delays[i]! < d + 200, `delay ${i}: ${delays[i]}`));
});
