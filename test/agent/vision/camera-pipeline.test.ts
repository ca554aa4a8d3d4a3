/**
 * CameraPipeline on the real recording with two zones, while ffmpeg is killed
 * mid-stream: the camera restarts, no event is lost or duplicated, and the
 * occupancy timeline still matches the hand labels.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FrameSource } from "../../../agent/camera/frame-source.ts";
import { cameraSchema } from "../../../agent/config/cameras.ts";
import { CameraPipeline, type Snapshot } from "../../../agent/vision/camera-pipeline.ts";
import type { CameraStateEvent, OccupancyEvent, TrackEvent, VisionEvent } from "../../../agent/vision/events.ts";
import { YOLOX_INPUT_SIZE, YOLOX_PAD_VALUE, YoloxDetector } from "../../../models/detector/yolox.ts";
import { assertMatchesVisits, visitLabels, visitVideo } from "../../helpers/visits.ts";

const here = dirname(fileURLToPath(import.meta.url));

test("zones, restart after ffmpeg is killed, timeline vs labels (5 fps)", async (t) => {
  if (!existsSync(visitVideo)) return t.skip("../shared absent: no recording");
  process.env.HEARTH_MODEL_DIR = join(here, "../../../../shared/models");
  const camera = cameraSchema.parse({
    name: "studio",
    file: visitVideo,
    area: "Studio",
    fps: 5,
    restart_min_ms: 50,
    zones: [
      { name: "room", area: "Studio", polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] },
      // The right edge, where everyone walks out.
      { name: "exit", area: "Corridor", polygon: [[0.8, 0], [1, 0], [1, 1], [0.8, 1]] },
    ],
  });
  const detector = await YoloxDetector.load({ labels: camera.detector.labels, scoreThreshold: camera.detector.score_threshold });
  const source = new FrameSource({ camera: camera.name, input: { kind: "file", path: visitVideo }, fps: camera.fps, letterbox: { size: YOLOX_INPUT_SIZE, pad: YOLOX_PAD_VALUE }, restartMinMs: camera.restart_min_ms });
  const pipeline = new CameraPipeline(source, detector, { camera: camera.name, area: camera.area, zones: camera.zones, labels: camera.detector.labels, tracker: camera.tracker, occupancy: camera.occupancy, snapshots: true });
  const events: VisionEvent[] = [];
  const snapshots: Snapshot[] = [];
  pipeline.on("event", (e) => {
    events.push(e);
    // Kill ffmpeg from outside during the third visit (60 s in), as a crash would.
    if (e.type === "track_enter" && e.t_ms > 55_000 && source.status.restarts === 0) process.kill(source.pid!, "SIGKILL");
  });
  pipeline.on("snapshot", (s) => snapshots.push(s));
  const started = Date.now();
  const error = await pipeline.run();
  t.diagnostic(`pipeline took ${((Date.now() - started) / 1000).toFixed(1)} s for ${pipeline.stats.frames} frames`);
  assert.equal(error, undefined);
  await detector.close();

  const states = events.filter((e): e is CameraStateEvent => e.type === "camera").map((e) => e.state);
  assert.deepEqual(states, ["running", "restarting", "starting", "running", "stopped"]);
  assert.equal(pipeline.stats.frames, 697);

  const studio = events.filter((e): e is OccupancyEvent => e.type === "occupancy" && e.area === "Studio");
  assertMatchesVisits(studio, camera.occupancy.leave_s);

  // Every visitor walks out through the exit zone: one track enters it per visit, in the Corridor area.
  const exits = events.filter((e): e is TrackEvent => e.type === "track_enter" && e.zone === "exit");
  assert.equal(exits.length, visitLabels.visits.length);
  assert.ok(exits.every((e) => e.area === "Corridor"));
  visitLabels.visits.forEach((v, i) => assert.ok(Math.abs(exits[i]!.t_ms / 1000 - v.leave_s) < 3, `visit ${i + 1} exits at ${exits[i]!.t_ms / 1000} s`));

  // Snapshots: one per frame on which any occupancy changed (the initial all-clear excluded).
  const changeFrames = new Set(events.filter((e): e is OccupancyEvent => e.type === "occupancy" && e.t_ms > 0).map((e) => e.t_ms));
  assert.deepEqual(snapshots.map((s) => s.t_ms), [...changeFrames]);
  assert.ok(snapshots.every((s) => s.jpeg[0] === 0xff && s.jpeg[1] === 0xd8));
});
