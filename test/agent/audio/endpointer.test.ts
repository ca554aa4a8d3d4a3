import assert from "node:assert/strict";
import { test } from "node:test";
import { Endpointer, type EndpointEvent, type EndpointerTimings } from "../../../agent/audio/endpointer.ts";

const TIMINGS: EndpointerTimings = {
  threshold: 0.5,
  neg_threshold: 0.35,
  pre_roll_ms: 64,
  min_speech_ms: 96,
  trailing_silence_ms: 160,
  max_utterance_ms: 1600,
  no_speech_timeout_ms: 640,
  wake_tail_max_ms: 320,
  wake_tail_gap_ms: 96,
};
const CHUNK = 512; // 32 ms

/** Push one chunk per probability; each chunk's samples hold its index so the utterance's audio can be checked. */
function run(endpointer: Endpointer, probabilities: number[], firstIndex = 0): Array<EndpointEvent & { at: number }> {
  const out: Array<EndpointEvent & { at: number }> = [];
  probabilities.forEach((probability, k) => {
    const i = firstIndex + k;
    for (const e of endpointer.push({ start: i * CHUNK, samples: new Int16Array(CHUNK).fill(i), probability })) out.push({ ...e, at: i });
  });
  return out;
}

const silence = (n: number) => Array<number>(n).fill(0.05);
const speech = (n: number) => Array<number>(n).fill(0.9);

test("speech between silences becomes one utterance with pre-roll and trailing silence", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  const events = run(ep, [...silence(10), ...speech(10), ...silence(10)]);
  assert.deepEqual(events.map((e) => [e.type, e.at]), [["speech_start", 12], ["speech_end", 24]]);
  assert.equal(events[0]!.t_ms, 10 * 32);
  const end = events[1]!;
  assert.ok(end.type === "speech_end");
  const u = end.utterance;
  assert.equal(u.reason, "silence");
  assert.equal(u.speech_start_ms, 320);
  assert.equal(u.speech_end_ms, 640);
  assert.equal(u.start_ms, 320 - 64); // pre-roll: two chunks
  assert.equal(u.end_ms, 25 * 32); // five silent chunks = 160 ms trailing silence
  assert.equal(u.pcm.length, (25 - 8) * CHUNK);
  assert.equal(u.pcm[0], 8);
  assert.equal(u.pcm[u.pcm.length - 1], 24);
});

test("hysteresis: dips between neg_threshold and threshold do not end speech", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  const events = run(ep, [...silence(3), ...speech(4), 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, ...speech(2), ...silence(6)]);
  assert.deepEqual(events.map((e) => e.type), ["speech_start", "speech_end"]);
  const end = events[1]!;
  assert.ok(end.type === "speech_end");
  assert.equal(end.utterance.speech_end_ms, 15 * 32);
});

test("a blip shorter than min_speech_ms is dropped", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  assert.deepEqual(run(ep, [...silence(3), ...speech(2), ...silence(20)]), []);
  assert.ok(ep.armed, "still waiting for real speech");
});

test("max_utterance_ms cuts a long utterance", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  const events = run(ep, [...silence(5), ...speech(80)]);
  const ends = events.filter((e) => e.type === "speech_end");
  assert.equal(ends.length, 1);
  const end = ends[0]!;
  assert.ok(end.type === "speech_end");
  assert.equal(end.utterance.reason, "max_length");
  assert.equal(end.utterance.end_ms - end.utterance.start_ms, 1600);
});

test("no speech after the wake word times out once", () => {
  const ep = new Endpointer(TIMINGS);
  run(ep, silence(5));
  ep.arm(5 * CHUNK, { timeout: true });
  const events = run(ep, silence(30), 5);
  assert.deepEqual(events.map((e) => [e.type, e.at]), [["no_speech", 24]]);
  assert.equal(ep.armed, false);
});

test("without a timeout the endpointer waits forever", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  assert.deepEqual(run(ep, silence(100)), []);
});

test("a command said in the same breath as the wake word is kept", () => {
  // "alexa turn on the light": speech from chunk 5 on, the wake word fires at chunk 20 while speech goes on.
  const ep = new Endpointer(TIMINGS);
  run(ep, [...silence(5), ...speech(15)]);
  ep.arm(20 * CHUNK, { timeout: true });
  const events = run(ep, [...speech(25), ...silence(8)], 20);
  assert.deepEqual(events.map((e) => e.type), ["speech_start", "speech_end"]);
  const end = events[1]!;
  assert.ok(end.type === "speech_end");
  assert.equal(end.utterance.speech_start_ms, 20 * 32);
  assert.equal(end.utterance.start_ms, 20 * 32 - 64); // pre-roll before the wake point, not back into the wake word
  assert.equal(end.utterance.speech_end_ms, 45 * 32);
});

test("the wake word's own tail followed by a pause is not taken for the command", () => {
  const ep = new Endpointer(TIMINGS);
  run(ep, [...silence(5), ...speech(15)]);
  ep.arm(20 * CHUNK, { timeout: true });
  // 64 ms of wake-word tail, 320 ms pause, then the command.
  const events = run(ep, [...speech(2), ...silence(10), ...speech(10), ...silence(8)], 20);
  assert.deepEqual(events.map((e) => e.type), ["speech_start", "speech_end"]);
  const end = events[1]!;
  assert.ok(end.type === "speech_end");
  assert.equal(end.utterance.speech_start_ms, 32 * 32);
});

test("a wake word tail longer than min_speech_ms is still not the command", () => {
  // The detector fired 288 ms before "alexa" ended; a 160 ms pause; then "turn on the lamp".
  const ep = new Endpointer(TIMINGS);
  run(ep, [...silence(5), ...speech(15)]);
  ep.arm(20 * CHUNK, { timeout: true });
  const events = run(ep, [...speech(9), ...silence(5), ...speech(12), ...silence(8)], 20);
  assert.deepEqual(events.map((e) => [e.type, e.t_ms]), [["speech_start", 34 * 32], ["speech_end", 51 * 32]]);
  const end = events[1]!;
  assert.ok(end.type === "speech_end");
  assert.equal(end.utterance.start_ms, 34 * 32 - 64);
});

test("flush ends an utterance in progress at the end of the stream", () => {
  const ep = new Endpointer(TIMINGS);
  ep.arm(0, { timeout: false });
  run(ep, [...silence(2), ...speech(10)]);
  const [end] = ep.flush();
  assert.ok(end && end.type === "speech_end");
  assert.equal(end.utterance.reason, "end_of_stream");
  assert.equal(end.utterance.end_ms, 12 * 32);
  assert.equal(ep.armed, false);
});

test("flush after a wake word with nothing said gives no_speech; without a timeout (push-to-talk) nothing", () => {
  const woken = new Endpointer(TIMINGS);
  woken.arm(0, { timeout: true });
  run(woken, silence(5));
  assert.deepEqual(woken.flush(), [{ type: "no_speech", t_ms: 5 * 32 }]);
  assert.equal(woken.armed, false);
  const listening = new Endpointer(TIMINGS);
  listening.arm(0, { timeout: false });
  run(listening, silence(5));
  assert.deepEqual(listening.flush(), []);
});

test("while idle nothing is emitted and memory stays bounded", () => {
  const ep = new Endpointer(TIMINGS);
  assert.deepEqual(run(ep, [...speech(50), ...silence(50)]), []);
  ep.arm(100 * CHUNK, { timeout: false });
  const events = run(ep, [...speech(5), ...silence(6)], 100);
  const end = events.find((e) => e.type === "speech_end");
  assert.ok(end && end.type === "speech_end");
  assert.equal(end.utterance.start_ms, 100 * 32 - 64);
});

test("early recognition: one speech_pause per pause, holding the audio so far; none when off or when it would come after the end", () => {
  const ep = new Endpointer({ ...TIMINGS, early_recognition_ms: 64 });
  ep.arm(0, { timeout: false });
  // Speech, a 96 ms pause the speaker talks on after, speech again, then silence to the end.
  const events = run(ep, [...silence(5), ...speech(6), ...silence(3), ...speech(6), ...silence(8)]);
  assert.deepEqual(
    events.map((e) => [e.type, e.at]),
    [["speech_start", 7], ["speech_pause", 12], ["speech_pause", 21], ["speech_end", 24]],
  );
  const [first, second, end] = [events[1]!, events[2]!, events[3]!];
  assert.ok(first.type === "speech_pause" && second.type === "speech_pause" && end.type === "speech_end");
  assert.equal(first.utterance.speech_end_ms, 11 * 32, "the first pause ends the first stretch of speech");
  assert.equal(first.utterance.pcm[first.utterance.pcm.length - 1], 12, "audio up to the pausing chunk");
  // The last pause is the end: same speech, so the pipeline may use its recognition.
  assert.equal(second.utterance.speech_end_ms, end.utterance.speech_end_ms);
  assert.equal(second.utterance.start_ms, end.utterance.start_ms);
  assert.ok(second.utterance.pcm.length < end.utterance.pcm.length);

  for (const early of [0, 160, 500]) {
    const off = new Endpointer({ ...TIMINGS, early_recognition_ms: early });
    off.arm(0, { timeout: false });
    const types = run(off, [...silence(5), ...speech(6), ...silence(8)]).map((e) => e.type);
    assert.deepEqual(types, ["speech_start", "speech_end"], `early_recognition_ms ${early}`);
  }
});
