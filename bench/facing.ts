/**
 * Cost of face detection in the camera pipeline: the one-by-one recording at
 * 5 fps, as fast as possible, once without and once with `faces.enabled`.
 * Reports how many frames the face model ran on (only those with a person),
 * its mean time per run, and the wall time per frame both ways. Prints the
 * figures and writes reports/facing.json.
 *
 *   node --import tsx bench/facing.ts
 *
 * Needs ../shared (recording and models) and ffmpeg.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cameraSchema } from "../agent/config/cameras.ts";
import { createCamera } from "../agent/vision/create-camera.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const shared = join(repo, "../shared");
const video = join(shared, "data/video/one-by-one-person-detection.mp4");
process.env.HEARTH_MODEL_DIR ??= join(shared, "models");

/** One pass over the recording; figures in ms. */
async function pass(faces: boolean) {
  const camera = cameraSchema.parse({ name: "bench", file: video, area: "bench", fps: 5, faces: { enabled: faces } });
  const { pipeline, detector, faceDetector } = await createCamera(camera);
  let facingEvents = 0;
  pipeline.on("event", (e) => (facingEvents += e.type === "facing" ? 1 : 0));
  const started = performance.now();
  const error = await pipeline.run();
  const wallMs = performance.now() - started;
  await detector.close();
  await faceDetector?.close();
  if (error) throw error;
  const { frames, faceFrames, faceMs } = pipeline.stats;
  return { frames, wallPerFrameMs: wallMs / frames, faceFrames, faceMsPerRun: faceFrames ? faceMs / faceFrames : 0, facingEvents };
}

const off = await pass(false);
const on = await pass(true);
const report = { video, fps: 5, off, on, addedPerFrameMs: on.wallPerFrameMs - off.wallPerFrameMs };
console.log(
  `faces off: ${off.frames} frames, ${off.wallPerFrameMs.toFixed(2)} ms/frame wall\n` +
    `faces on:  ${on.frames} frames, ${on.wallPerFrameMs.toFixed(2)} ms/frame wall; face model ran on ${on.faceFrames} frames (${((100 * on.faceFrames) / on.frames).toFixed(0)} %, those with a person), ${on.faceMsPerRun.toFixed(2)} ms per run; ${on.facingEvents} facing events\n` +
    `added: ${report.addedPerFrameMs.toFixed(2)} ms per frame on average`,
);
mkdirSync(join(repo, "reports"), { recursive: true });
writeFileSync(join(repo, "reports/facing.json"), JSON.stringify(report, null, 2) + "\n");
console.log("wrote reports/facing.json");
