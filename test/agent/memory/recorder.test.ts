/**
 * The memory recorder on real SQLite files: track summaries of a real camera
 * pipeline are only queued in the frame's path and committed in one batch per
 * flush; each event gets Frigate-shaped new/update/end messages, a snapshot
 * and a thumbnail of YOLOX's best box on the dog picture; retention by age
 * and by picture size deletes files; a full disk stops snapshots with one
 * warning while events are still stored.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { memorySchema } from "../../../agent/config/memory.ts";
import { MemoryRecorder, type FrigateEventMessage } from "../../../agent/memory/recorder.ts";
import { MemoryStore, type MemoryEvent } from "../../../agent/memory/store.ts";
import { Sightings } from "../../../agent/vision/sightings.ts";
import { YoloxDetector } from "../../../models/detector/yolox.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";
import { camera, detection, picture, SceneCamera, ScriptedDetector } from "../../helpers/vision-scene.ts";

const FRAME = { width: 1000, height: 500 };
const folder = () => mkdtempSync(join(tmpdir(), "hearth-recorder-"));
const T0 = Date.parse("2026-12-03T08:00:00Z");

function open(dir: string, config: Record<string, unknown> = {}, writeFile?: (path: string, data: Buffer) => Promise<void>) {
  const store = new MemoryStore(join(dir, "memory.db"));
  let writes = 0;
  const write = store.write.bind(store);
  // Counting the real store's commits: one per flush, however many tracks changed.
  store.write = (events: readonly MemoryEvent[]) => {
    if (events.length) writes++;
    write(events);
  };
  let now = T0;
  const recorder = new MemoryRecorder(store, { config: memorySchema.parse({ enabled: true, ...config }), snapshotsDir: join(dir, "snapshots"), now: () => now, ...(writeFile ? { writeFile } : {}) });
  const messages: FrigateEventMessage[] = [];
  recorder.onMessage = (m) => messages.push(m);
  return { store, recorder, messages, commits: () => writes, advance: (ms: number) => (now += ms) };
}

test("tracks are queued in the frame's path and committed in one transaction per flush; the timer flushes too", async () => {
  const dir = folder();
  const { store, recorder, commits } = open(dir, { flush_ms: 20 });
  const front = camera({ name: "front", area: "Front Yard", labels: ["person", "car"], zones: [{ name: "driveway", area: "Front Yard", polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] }] });
  const scene = new SceneCamera(front, new ScriptedDetector(), new Sightings(), { onTrack: (u) => recorder.track(u) });
  await scene.play(FRAME, 5, [detection("person", { x1: 100, y1: 100, x2: 200, y2: 400 }), detection("car", { x1: 700, y1: 200, x2: 950, y2: 450 })]);
  assert.equal(store.search().length, 0, "nothing is written while frames are processed");
  assert.equal(recorder.active().length, 2);
  await recorder.flush();
  assert.equal(commits(), 1, "both new events in one commit");
  const [car, person] = [store.search({ label: "car" })[0]!, store.search({ label: "person" })[0]!];
  assert.deepEqual([person.area, person.zones, person.end_ms], ["Front Yard", ["driveway"], null]);
  assert.deepEqual([car.area, car.areas, car.zones], ["Front Yard", ["Front Yard"], []], "the car stands outside the driveway zone");
  await recorder.flush();
  assert.equal(commits(), 1, "an empty flush commits nothing");

  // The person leaves; the car stays. The timer (20 ms) commits the end without an explicit flush.
  recorder.start();
  await scene.play(FRAME, 7, [detection("car", { x1: 700, y1: 200, x2: 950, y2: 450 })]);
  await new Promise((r) => setTimeout(r, 120));
  const ended = store.get(person.id)!;
  assert.equal(ended.end_ms, T0 + 800, "last seen on the fifth frame (800 ms of media time after the first)");
  assert.equal(store.get(car.id)!.end_ms, null);
  await recorder.close();
  store.close();
  const reopened = new MemoryStore(join(dir, "memory.db"));
  assert.equal(reopened.search().length, 2, "the events survive a reopen");
  reopened.close();
});

test("Frigate-shaped messages, a snapshot and thumbnail of the best box, on the dog picture through YOLOX", { timeout: 120_000 }, async (t) => {
  const missing = sharedDataMissing();
  if (missing) return t.skip(missing);
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  const dir = folder();
  const { store, recorder, messages } = open(dir);
  const garden = camera({ name: "garden", area: "Garden", labels: ["dog"] });
  const detector = await YoloxDetector.load({ labels: garden.detector.labels, scoreThreshold: garden.detector.score_threshold });
  try {
    const dog = await picture("darknet_dog.jpg");
    const scene = new SceneCamera(garden, detector, new Sightings(), { onTrack: (u) => recorder.track(u) });
    scene.pipeline.on("trackSnapshot", (s) => recorder.snapshot(s));
    await scene.play(dog, 4);
    // A black picture: the dog is gone.
    await scene.play({ width: dog.width, height: dog.height, rgb: new Uint8Array(dog.width * dog.height * 3) }, 7);
    await new Promise((r) => setTimeout(r, 200)); // snapshot rendering is off the frame's path
    await recorder.flush();
  } finally {
    await detector.close();
  }
  assert.deepEqual(messages.map((m) => m.type), ["new", "end"]);
  const [created, end] = messages as [FrigateEventMessage, FrigateEventMessage];
  assert.equal(created.after.id, end.after.id);
  assert.deepEqual(
    { label: created.after.label, camera: created.after.camera, end_time: created.after.end_time, current_areas: created.after.current_areas, current_zones: created.after.current_zones, false_positive: created.after.false_positive },
    { label: "dog", camera: "garden", end_time: null, current_areas: ["Garden"], current_zones: ["Garden"], false_positive: false },
  );
  assert.equal(created.after.start_time, T0 / 1000, "epoch seconds, as Frigate");
  const [x1, y1, x2, y2] = end.after.box;
  assert.ok(x1 > 100 && x1 < 160 && y2 > 500 && y2 < 576, `the dog's box in source pixels: ${end.after.box}`);
  assert.equal(end.after.area, Math.round((x2 - x1) * (y2 - y1)), "Frigate's area is the box's pixel area");
  assert.equal(end.after.end_time, (T0 + 600) / 1000);
  assert.deepEqual(end.before, created.after, "before is the previous message's after");
  const event = store.search({ label: "dog" })[0]!;
  assert.ok(event.snapshot_path && existsSync(event.snapshot_path) && event.thumbnail_path && existsSync(event.thumbnail_path), JSON.stringify(event));
  const thumb = await sharp(event.thumbnail_path).metadata();
  assert.equal(thumb.height, 175);
  assert.equal(event.snapshot_bytes, statSync(event.snapshot_path).size + statSync(event.thumbnail_path).size);
  store.close();
});

test("retention deletes old events with their pictures, then the oldest pictures beyond the size budget", async () => {
  const dir = folder();
  const { store, recorder, advance } = open(dir, { retain_days: 1, max_snapshot_mb: 0.002 }); // ≈ 2 KiB of pictures
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#884422" } }).jpeg().toBuffer();
  const hall = camera({ name: "hall", area: "Hallway", labels: ["cat"] });
  const scene = new SceneCamera(hall, new ScriptedDetector(), new Sightings(), { onTrack: (u) => recorder.track(u), frameMs: 60_000, startMs: T0 });
  const visit = async () => {
    await scene.play(FRAME, 2, [detection("cat", { x1: 100, y1: 300, x2: 300, y2: 450 })]);
    for (const e of recorder.active()) recorder.snapshot({ camera: "hall", track_id: Number(e.id.split("-").at(-1)), t_ms: 0, jpeg });
    await scene.play(FRAME, 1, []);
    await recorder.flush();
  };
  await visit(); // two days ago
  const [old] = store.search();
  assert.ok(old!.snapshot_path && existsSync(old!.snapshot_path) && old!.thumbnail_path && existsSync(old!.thumbnail_path));
  // Each event's pictures take more than half the budget: two do not fit.
  assert.ok(old!.snapshot_bytes > 0.001 * 1_048_576 && old!.snapshot_bytes < 0.002 * 1_048_576, `${old!.snapshot_bytes} bytes`);
  advance(2 * 86_400_000);
  scene.skip(2 * 86_400_000);
  await visit(); // the flush runs retention (due once an hour): the old event goes
  assert.equal(store.get(old!.id), undefined, "older than retain_days: deleted");
  assert.ok(!existsSync(old!.snapshot_path!) && !existsSync(old!.thumbnail_path!), "with its files");
  const [second] = store.search();
  await visit(); // within the hour: no retention yet
  assert.equal(store.search().filter((e) => e.snapshot_path).length, 2);
  await recorder.retain();
  const budget = 0.002 * 1_048_576;
  assert.ok(store.stats().snapshot_bytes <= budget, `${store.stats().snapshot_bytes} bytes of pictures within ${budget}`);
  const trimmed = store.get(second!.id)!;
  assert.deepEqual([trimmed.snapshot_path, trimmed.thumbnail_path, trimmed.end_ms !== null], [null, null, true], "the oldest event loses its pictures and stays");
  assert.ok(!existsSync(second!.snapshot_path!) && !existsSync(second!.thumbnail_path!), "its files are gone");
  assert.ok(existsSync(store.search()[0]!.snapshot_path!), "the newest keeps its pictures");
  store.close();
});

test("a full disk stops snapshot writing with one warning; events are still stored", async () => {
  const dir = folder();
  let attempts = 0;
  const full = async () => {
    attempts++;
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  const { store, recorder } = open(dir, {}, full);
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#000" } }).jpeg().toBuffer();
  const hall = camera({ name: "hall", area: "Hallway", labels: ["cat"] });
  const scene = new SceneCamera(hall, new ScriptedDetector(), new Sightings(), { onTrack: (u) => recorder.track(u) });
  for (let i = 0; i < 2; i++) {
    await scene.play(FRAME, 2, [detection("cat", { x1: 100 + i * 400, y1: 300, x2: 300 + i * 400, y2: 450 })]);
    for (const e of recorder.active()) recorder.snapshot({ camera: "hall", track_id: Number(e.id.split("-").at(-1)), t_ms: 0, jpeg });
    await scene.play(FRAME, 7, []);
    await recorder.flush();
  }
  assert.equal(attempts, 1, "after the first ENOSPC no further picture is attempted");
  const events = store.search();
  assert.equal(events.length, 2);
  assert.ok(events.every((e) => e.snapshot_path === null && e.end_ms !== null));
  store.close();
});
