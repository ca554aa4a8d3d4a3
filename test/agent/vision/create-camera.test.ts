/**
 * A camera built from its config section with motion gating on (the default):
 * on the real recording the detector skips frames while the room is empty,
 * the occupancy timeline still matches the hand labels, no full-size frame is
 * piped, and snapshots are drawn on the detector's input.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { cameraSchema } from "../../../agent/config/cameras.ts";
import type { Snapshot } from "../../../agent/vision/camera-pipeline.ts";
import { createCamera } from "../../../agent/vision/create-camera.ts";
import type { OccupancyEvent } from "../../../agent/vision/events.ts";
import { letterboxGeometry } from "../../../models/detector/letterbox.ts";
import { YOLOX_INPUT_SIZE } from "../../../models/detector/yolox.ts";
import { assertMatchesVisits, visitVideo } from "../../helpers/visits.ts";

const here = dirname(fileURLToPath(import.meta.url));

test("motion-gated camera: frames skipped while empty, 6/6 visits within tolerance, snapshots at detector size", async (t) => {
  if (!existsSync(visitVideo)) return t.skip("../shared absent: no recording");
  process.env.HEARTH_MODEL_DIR ??= join(here, "../../../../shared/models");
  const camera = cameraSchema.parse({ name: "studio", file: visitVideo, area: "Studio", fps: 5 });
  const { pipeline, source, detector } = await createCamera(camera, { snapshots: true });
  const occupancy: OccupancyEvent[] = [];
  const snapshots: Snapshot[] = [];
  pipeline.on("event", (e) => e.type === "occupancy" && occupancy.push(e));
  pipeline.on("snapshot", (s) => snapshots.push(s));
  try {
    assert.equal(await pipeline.run(), undefined);
  } finally {
    await detector.close();
  }
  const { stats } = pipeline;
  t.diagnostic(`${stats.frames} frames, ${stats.detectedFrames} detected: ${JSON.stringify(stats.gate)}`);
  assert.equal(stats.frames, 697);
  assert.ok(stats.gate.idle >= 60, `only ${stats.gate.idle} frames skipped`);
  assert.equal(stats.detectedFrames, stats.frames - stats.gate.idle);
  assertMatchesVisits(occupancy, camera.occupancy.leave_s);
  assert.equal(source.options.full, false, "no face check: no full-size frame is piped");
  assert.equal(snapshots.length, 12, "one per occupancy change");
  const meta = await sharp(snapshots[0]!.jpeg).metadata();
  const geometry = letterboxGeometry(768, 432, YOLOX_INPUT_SIZE);
  assert.deepEqual([meta.width, meta.height], [geometry.scaledWidth, geometry.scaledHeight], "drawn on the letterboxed detector input, padding cut off");
});
