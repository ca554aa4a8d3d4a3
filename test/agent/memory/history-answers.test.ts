/**
 * History questions through the understander, answered from a real SQLite
 * memory: a dog's morning in the garden recorded by the real recorder from a
 * camera pipeline's tracks (explicit detections at the detector's boundary,
 * one frame a minute), and explicit events for the other days.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { memorySchema } from "../../../agent/config/memory.ts";
import { LiveIntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { HistoryAnswers } from "../../../agent/memory/history-answers.ts";
import { MemoryRecorder } from "../../../agent/memory/recorder.ts";
import { MemoryStore, type MemoryEvent } from "../../../agent/memory/store.ts";
import { timeSpan } from "../../../agent/memory/time-span.ts";
import { readTextQuery } from "../../../agent/memory/text-query.ts";
import { createUnderstander } from "../../../agent/understand.ts";
import { Coverage } from "../../../agent/vision/coverage.ts";
import { LiveAnswers } from "../../../agent/vision/live-answers.ts";
import { NO_MEMORY, VisionAnswerer } from "../../../agent/vision/questions.ts";
import { Sightings } from "../../../agent/vision/sightings.ts";
import { entity, registryWith } from "../../helpers/entities.ts";
import { camera, detection, SceneCamera, ScriptedDetector } from "../../helpers/vision-scene.ts";

const ZONE = "Europe/London"; // UTC+0 in December: the clock times below read as they are written.
const at = (hhmm: string, day = "2026-12-03") => Date.parse(`${day}T${hhmm}:00Z`);
const cameras = [
  camera({ name: "hall", area: "Hallway", detector: { labels: ["person", "cat", "dog"] } }),
  camera({ name: "garage", area: "Garage", detector: { labels: ["person", "car"] } }),
  camera({ name: "garden", area: "Garden", detector: { labels: ["person", "cat", "dog", "bird"] } }),
  camera({ name: "front", area: "Front Yard", zones: [{ name: "front door", area: "Front Yard", polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] }] }),
];
const registry = registryWith({ Hallway: undefined, Garage: undefined, Garden: undefined, "Front Yard": undefined, Attic: undefined }, [entity("light.hall", { area: "Hallway" })]);

function event(id: string, fields: Partial<MemoryEvent>): MemoryEvent {
  return {
    id, camera: "front", label: "person", area: "Front Yard", areas: ["Front Yard"], zones: [], start_ms: 0, end_ms: null,
    source_start_ms: 0, source_end_ms: null, top_score: 0.9, box: [1, 2, 3, 4], stationary: false, snapshot_path: null, thumbnail_path: null, snapshot_bytes: 0, ...fields,
  };
}

test("when, whether, how long and how many, from the memory, with times as people say them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-history-"));
  const store = new MemoryStore(join(dir, "memory.db"));
  let now = at("08:10");
  const clock = () => now;
  const recorder = new MemoryRecorder(store, { config: memorySchema.parse({ enabled: true }), snapshotsDir: join(dir, "snapshots"), now: clock });
  // The dog lies in the garden from 8:10 to 8:35, seen once a minute, then is gone.
  const garden = new SceneCamera(cameras[2]!, new ScriptedDetector(), new Sightings({ now: clock }), { onTrack: (u) => recorder.track(u), frameMs: 60_000 });
  await garden.play({ width: 1000, height: 500 }, 26, [detection("dog", { x1: 400, y1: 300, x2: 600, y2: 450 })]);
  await garden.play({ width: 1000, height: 500 }, 1, []);
  await recorder.flush();
  const dog = store.search({ label: "dog" });
  assert.equal(dog.length, 1);
  assert.deepEqual([dog[0]!.start_ms, dog[0]!.end_ms], [at("08:10"), at("08:35")]);
  store.write([
    event("door1", { zones: ["front door"], start_ms: at("09:00", "2026-12-02"), end_ms: at("09:01", "2026-12-02") }),
    event("door2", { zones: ["front door"], start_ms: at("13:30", "2026-12-02"), end_ms: at("13:32", "2026-12-02") }),
    event("door3", { zones: ["front door"], start_ms: at("16:10", "2026-12-02"), end_ms: at("16:12", "2026-12-02") }),
    event("garage", { camera: "garage", area: "Garage", areas: ["Garage"], zones: ["Garage"], start_ms: at("09:05"), end_ms: at("09:10") }),
    event("cat", { camera: "hall", label: "cat", area: "Hallway", areas: ["Hallway"], zones: ["Hallway"], start_ms: at("10:15"), end_ms: at("10:20") }),
  ]);

  now = at("11:30");
  const coverage = Coverage.fromConfig(cameras);
  const live = new LiveAnswers(coverage, new Sightings({ now: clock }), { now: clock });
  const answerer = new VisionAnswerer(live, new HistoryAnswers(coverage, store, { now: clock, timeZone: ZONE }), store);
  const understand = createUnderstander({ registry, recognizer: new LiveIntentRecognizer(registry, [], { cameraZones: ["front door"] }), eventTopic: "hearth/t/event", vision: () => answerer });
  const ask = async (text: string) => ((await understand({ text, origin: { kind: "cli" } })) as { response: string }).response;

  assert.equal(await ask("when did you last see the cat"), "I last saw the cat in the hallway at 10:20 am, about an hour ago.");
  assert.equal(await ask("where is the cat"), "I last saw the cat in the hallway about an hour ago.", "the memory answers where when no camera sees it now");
  assert.equal(await ask("was anyone in the garage today"), "Yes, one person was in the garage today, at 9:05 am, about 2 hours ago.");
  assert.equal(await ask("was anyone in the garage yesterday"), "No, I didn't see anyone in the garage yesterday.");
  assert.equal(await ask("how long was the dog in the garden this morning"), "The dog was in the garden for 25 minutes this morning, from 8:10 am to 8:35 am.");
  assert.equal(await ask("how many people came to the front door yesterday"), "Three people came to the front door yesterday, the last yesterday at 4:10 pm.");
  assert.equal(await ask("how many people came to the front door today"), "Nobody came to the front door today.");
  assert.equal(await ask("when did someone last leave"), "Someone last left the garage at 9:10 am, about 2 hours ago.");
  assert.equal(await ask("when did someone last come to the front door"), "Someone last came to the front door yesterday at 4:10 pm.");
  assert.equal(await ask("was the cat in the hallway in the last two hours"), "Yes, a cat was in the hallway in the last 2 hours, at 10:15 am, about an hour ago.");
  assert.equal(await ask("was the cat in the hallway in the last half hour"), "No, I didn't see a cat in the hallway in the last half hour.");
  assert.equal(await ask("how many times was someone at the front door yesterday"), "Three people came to the front door yesterday, the last yesterday at 4:10 pm.");
  assert.equal(await ask("was anyone in the attic today"), "No camera covers the attic.");
  assert.equal(await ask("when did you last see a bird"), "I haven't seen a bird.");

  assert.equal(await ask("show me the dog"), "I have one event: a dog, the last at 8:10 am, about 3 hours ago.");
  assert.equal(await ask("list the visits to the front door yesterday"), "I have three events at the front door yesterday: three people, the last yesterday at 4:10 pm.");

  // Free text for the page and `hearth events search --text`: the same sentences give the filters.
  const recognizer = new LiveIntentRecognizer(registry, [], { cameraZones: ["front door"] });
  const read = (text: string) => readTextQuery(text, recognizer, coverage, now, ZONE);
  const q = read("people at the front door yesterday");
  assert.ok(!("error" in q));
  assert.deepEqual(q.filter, { label: ["person"], zone: "front door", from_ms: at("00:00", "2026-12-02"), to_ms: at("00:00") });
  assert.equal(q.words, "person · front door · yesterday");
  assert.deepEqual(store.search(q.filter).map((e) => e.id), ["door3", "door2", "door1"]);
  const cat = read("the cat in the hallway");
  assert.ok(!("error" in cat) && cat.words === "cat · Hallway");
  assert.deepEqual(store.search(!("error" in cat) ? cat.filter : {}).map((e) => e.id), ["cat"]);
  assert.deepEqual(read("was the dog in the garden this morning"), { filter: { label: ["dog"], area: "Garden", from_ms: at("05:00"), to_ms: at("12:00") }, words: "dog · Garden · this morning" });
  assert.match((read("purple elephants dancing") as { error: string }).error, /^"purple elephants dancing": not understood\. Try a label, a place and a time/);

  // Without a memory the past cannot be told; "when did you last see" falls back to what the cameras saw since start.
  const forgetful = new VisionAnswerer(live);
  assert.equal(forgetful.answer("HassVisionWasThere", { label: "person", area: "Garage", span: "today" }), NO_MEMORY);
  assert.equal(forgetful.answer("HassVisionLastSeen", { label: "cat" }), "I haven't seen a cat.");
  store.close();
});

test("time spans in the home's zone", () => {
  const now = Date.parse("2026-07-01T10:00:00Z"); // 12:00 in Amsterdam (UTC+2)
  const morning = timeSpan({ span: "this_morning" }, now, "Europe/Amsterdam");
  assert.deepEqual([new Date(morning.from_ms).toISOString(), new Date(morning.to_ms).toISOString()], ["2026-07-01T03:00:00.000Z", "2026-07-01T10:00:00.000Z"]);
  const yesterday = timeSpan({ span: "yesterday_evening" }, now, "Europe/Amsterdam");
  assert.deepEqual([new Date(yesterday.from_ms).toISOString(), new Date(yesterday.to_ms).toISOString()], ["2026-06-30T15:00:00.000Z", "2026-06-30T20:00:00.000Z"]);
  assert.deepEqual(timeSpan({ amount: 10, unit: "minute" }, now), { from_ms: now - 600_000, to_ms: now, words: "in the last 10 minutes" });
  assert.throws(() => timeSpan({ span: "fortnight" }, now), /span "fortnight"/);
});
