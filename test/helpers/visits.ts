/**
 * The hand-labelled visits of the one-by-one recording and the check that an
 * occupancy timeline matches them (shared by the pipeline and CLI tests).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { OccupancyEvent } from "../../agent/vision/events.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface VisitLabels {
  /** Relative to ../shared. */
  video: string;
  max_people: number;
  visits: { enter_s: number; leave_s: number }[];
}

export const visitLabels = JSON.parse(readFileSync(join(repo, "test/fixtures/one-by-one-visits.json"), "utf8")) as VisitLabels;

/** Absolute path of the labelled recording (it may be absent: check before use). */
export const visitVideo = join(repo, "../shared", visitLabels.video);

/** Allowed error in seconds between a reported and a labelled transition. */
export const TOLERANCE_S = 1.5;

/**
 * Assert that occupancy events (one area, one label) match the labels: empty
 * at the start, one occupied/clear pair per visit within TOLERANCE_S (the
 * clear event's `leaveS` hysteresis taken out), never more than max_people.
 */
export function assertMatchesVisits(occupancy: OccupancyEvent[], leaveS: number): void {
  assert.ok(occupancy.every((e) => e.count <= visitLabels.max_people), `more than ${visitLabels.max_people}: ${JSON.stringify(occupancy.filter((e) => e.count > visitLabels.max_people))}`);
  assert.equal(occupancy[0]?.occupied, false);
  assert.equal(occupancy[0]?.t_ms, 0);
  const changes = occupancy.slice(1);
  assert.equal(changes.length, 2 * visitLabels.visits.length, `timeline: ${changes.map((e) => `${e.t_ms / 1000}s:${e.count}`).join(" ")}`);
  visitLabels.visits.forEach((visit, i) => {
    const enter = changes[2 * i]!;
    const leave = changes[2 * i + 1]!;
    assert.equal(enter.occupied, true);
    assert.equal(leave.occupied, false);
    const enterS = enter.t_ms / 1000;
    // The clear event comes leave_s after the first empty frame: take the hysteresis out.
    const lastSeenS = leave.t_ms / 1000 - leaveS;
    assert.ok(enterS >= visit.enter_s - 0.2 && enterS <= visit.enter_s + TOLERANCE_S, `visit ${i + 1}: occupied at ${enterS} s, person enters at ${visit.enter_s} s`);
    assert.ok(Math.abs(lastSeenS - visit.leave_s) <= TOLERANCE_S, `visit ${i + 1}: clear at ${leave.t_ms / 1000} s (last seen ≈ ${lastSeenS} s), person gone after ${visit.leave_s} s`);
  });
}
