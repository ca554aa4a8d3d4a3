import assert from "node:assert/strict";
import { test } from "node:test";
import type { Detection } from "../../../models/detector/box.ts";
import { trackerSettingsSchema } from "../../../agent/config/cameras.ts";
import { Tracker } from "../../../agent/vision/tracker.ts";

const settings = trackerSettingsSchema.parse({ match_iou: 0.2, high_score: 0.5, min_hits: 2, max_lost_ms: 1000 });

function person(x: number, y: number, score = 0.9, label = "person"): Detection {
  return { label, classId: label === "person" ? 0 : 16, score, box: { x1: x, y1: y, x2: x + 50, y2: y + 100 } };
}

test("two people walking past each other keep their ids", () => {
  const tracker = new Tracker(settings);
  const seen = new Map<number, number[]>();
  // A walks right, B walks left, 200 ms apart, 12 px per frame each; they cross around frame 10.
  for (let f = 0; f < 20; f++) {
    const a = person(100 + 12 * f, 100);
    const b = person(340 - 12 * f, 130);
    const tracks = tracker.update(f % 2 ? [b, a] : [a, b], f * 200);
    for (const t of tracks) seen.set(t.id, [...(seen.get(t.id) ?? []), t.box.x1]);
  }
  assert.deepEqual([...seen.keys()], [1, 2]);
  // Track 1 only ever moved right, track 2 only left: no id swap at the crossing.
  const a = seen.get(1)!;
  const b = seen.get(2)!;
  assert.ok(a.every((x, i) => i === 0 || x > a[i - 1]!), `track 1: ${a}`);
  assert.ok(b.every((x, i) => i === 0 || x < b[i - 1]!), `track 2: ${b}`);
});

test("tracks are confirmed after min_hits and counted per label", () => {
  const tracker = new Tracker(settings);
  tracker.update([person(0, 0), person(300, 0, 0.9, "dog")], 0);
  assert.deepEqual([...tracker.countsByLabel()], []);
  tracker.update([person(2, 0), person(302, 0, 0.9, "dog")], 200);
  assert.deepEqual([...tracker.countsByLabel()].sort(), [["dog", 1], ["person", 1]]);
});

test("a short miss keeps the id, a long one drops the track; low scores only continue tracks (ByteTrack)", () => {
  const tracker = new Tracker(settings);
  tracker.update([person(0, 0)], 0);
  tracker.update([person(5, 0)], 200);
  tracker.update([], 400); // missed
  assert.equal(tracker.active[0]!.seen, false);
  assert.deepEqual([...tracker.countsByLabel()], []);
  tracker.update([person(10, 0, 0.3)], 600); // weak detection continues the track
  assert.deepEqual(tracker.active.map((t) => [t.id, t.seen]), [[1, true]]);
  tracker.update([], 1000);
  tracker.update([], 1700); // lost for 1100 ms > max_lost_ms
  assert.deepEqual(tracker.removed.map((t) => t.id), [1]);
  assert.equal(tracker.active.length, 0);
  tracker.update([person(500, 0, 0.3)], 1900); // weak and unmatched: no new track
  assert.equal(tracker.active.length, 0);
  tracker.update([person(500, 0, 0.8)], 2100);
  assert.deepEqual(tracker.active.map((t) => t.id), [2]);
});

test("labels never match each other", () => {
  const tracker = new Tracker(settings);
  tracker.update([person(0, 0)], 0);
  tracker.update([person(0, 0, 0.9, "dog")], 200);
  assert.deepEqual(tracker.active.map((t) => [t.id, t.label]), [[1, "person"], [2, "dog"]]);
});
