import assert from "node:assert/strict";
import { test } from "node:test";
import { occupancySettingsSchema } from "../../../agent/config/cameras.ts";
import { Occupancy } from "../../../agent/vision/occupancy.ts";

/** Counts for one area and label. */
const people = (n: number) => new Map([["Kitchen", new Map([["person", n]])]]);

/** Feed a count per 200 ms tick (a simulated 5 fps clock) and collect `t:count` for each event. */
function run(occupancy: Occupancy, counts: number[]): string[] {
  const out: string[] = [];
  counts.forEach((n, i) => {
    for (const e of occupancy.update(people(n), i * 200)) out.push(`${e.t_ms}:${e.count}${e.occupied ? "" : " clear"}`);
  });
  return out;
}

test("enter after N frames, leave after T seconds; flicker shorter than that changes nothing", () => {
  const occupancy = new Occupancy("cam", occupancySettingsSchema.parse({ enter_frames: 3, leave_s: 1 }), ["Kitchen"], ["person"]);
  const events = run(occupancy, [0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  // t=0: initial announcement. Frames 1-2 are only two in a row; 4-6 are three → occupied at 1200.
  // Frames 8-11 empty for 600 ms only; 15-20: empty from 3000, cleared at 4000 (≥ 1 s later).
  assert.deepEqual(events, ["0:0 clear", "1200:1", "4000:0 clear"]);
});

test("counts rise to the lowest of the confirming frames and fall to the highest of the window", () => {
  const occupancy = new Occupancy("cam", occupancySettingsSchema.parse({ enter_frames: 2, leave_s: 0.4 }), ["Kitchen"], ["person"]);
  const events = run(occupancy, [3, 2, 2, 1, 1, 1, 0, 0, 0]);
  // 3 then 2: up to 2 at 200. Falls: 1 from 600; at 1000 (400 ms later) → highest in window = 1; 0 from 1200 → clear at 1600.
  assert.deepEqual(events, ["0:0 clear", "200:2", "1000:1", "1600:0 clear"]);
});

test("every configured area × label is reported, independently", () => {
  const occupancy = new Occupancy("cam", occupancySettingsSchema.parse({ enter_frames: 1, leave_s: 0 }), ["Kitchen", "Hall"], ["person", "cat"]);
  const first = occupancy.update(new Map([["Hall", new Map([["cat", 1]])]]), 0);
  assert.deepEqual(first.map((e) => `${e.area}/${e.label}=${e.count}`), ["Kitchen/person=0", "Kitchen/cat=0", "Hall/person=0", "Hall/cat=1"]);
  assert.deepEqual(occupancy.update(new Map(), 200).map((e) => `${e.area}/${e.label}=${e.count}`), ["Hall/cat=0"]);
  assert.deepEqual(occupancy.snapshot().filter((s) => s.occupied), []);
});
