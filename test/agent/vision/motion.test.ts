/**
 * MotionDetector on the real recording's grey motion pictures (from ffmpeg, as
 * cameras get them): the empty room at the start has no motion, the first
 * visitor walking in has; DetectionGate's decisions on a simulated timeline.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { FrameSource } from "../../../agent/camera/frame-source.ts";
import { motionSettingsSchema } from "../../../agent/config/cameras.ts";
import { DetectionGate } from "../../../agent/vision/detection-gate.ts";
import { MOTION_PICTURE, MotionDetector } from "../../../agent/vision/motion.ts";
import { visitLabels, visitVideo } from "../../helpers/visits.ts";

const hasFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

test("motion: none in the empty room, some when the first visitor walks in; no full frame is piped", async (t) => {
  if (!existsSync(visitVideo) || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: no recording");
  const settings = motionSettingsSchema.parse({});
  const detector = new MotionDetector(MOTION_PICTURE.width, MOTION_PICTURE.height, { threshold: settings.threshold, minArea: settings.min_area });
  const source = new FrameSource({ camera: "studio", input: { kind: "file", path: visitVideo }, fps: 5, full: false, motion: MOTION_PICTURE });
  const firstVisit = visitLabels.visits[0]!;
  const empty: number[] = [];
  const entering: number[] = [];
  for await (const frame of source) {
    assert.equal(frame.rgb, undefined);
    assert.deepEqual([frame.width, frame.height], [768, 432], "the source size comes from ffmpeg's input description");
    const { changed, motion } = detector.update(frame.motion!);
    if (frame.t / 1000 < firstVisit.enter_s - 0.5) empty.push(motion ? changed : 0);
    else if (frame.t / 1000 <= firstVisit.enter_s + 1) entering.push(motion ? changed : 0);
    else source.close();
  }
  assert.ok(empty.length >= 25, `${empty.length} empty frames`);
  assert.deepEqual(empty.filter((c) => c > 0), [], "no motion while the room is empty");
  assert.ok(entering.some((c) => c > 0), `motion when the visitor enters: ${entering.map((c) => c.toFixed(4)).join(" ")}`);
});

test("motion: a whole-scene change (lights on) counts once, then the background follows it", () => {
  const detector = new MotionDetector(4, 4, { threshold: 25, minArea: 0.1 });
  assert.equal(detector.update(new Uint8Array(16).fill(40)).motion, false, "the first frame only sets the background");
  assert.equal(detector.update(new Uint8Array(16).fill(200)).motion, true);
  assert.equal(detector.update(new Uint8Array(16).fill(200)).motion, false);
  assert.throws(() => detector.update(new Uint8Array(15)), /motion frame has 15 bytes, expected 4x4 = 16/);
});

test("gate: every frame while busy, idle_fps on motion, keepalive without it, the first frame always", () => {
  const gate = new DetectionGate(motionSettingsSchema.parse({ idle_fps: 2, keepalive_s: 2 }));
  const at = (ms: number, busy: boolean, motion: boolean) => gate.decide(ms, busy, motion);
  assert.equal(at(0, false, false), "keepalive");
  assert.equal(at(200, false, false), "idle");
  assert.equal(at(400, false, true), "idle", "motion 400 ms after a detection waits for the idle rate");
  assert.equal(at(600, false, true), "motion");
  assert.equal(at(800, true, false), "tracking");
  assert.equal(at(1000, true, false), "tracking");
  assert.equal(at(2800, false, false), "idle");
  assert.equal(at(3000, false, false), "keepalive");
  assert.equal(new DetectionGate(motionSettingsSchema.parse({ enabled: false })).decide(0, false, false), "tracking");
  assert.equal(new DetectionGate(motionSettingsSchema.parse({})).decide(0, false, undefined), "tracking", "a frame without a motion picture is detected");
});
