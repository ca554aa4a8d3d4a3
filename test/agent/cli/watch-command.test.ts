/**
 * `hearth watch` end to end on the real indoor recording: the occupancy
 * timeline must match the visits a person labelled by looking at the frames
 * (test/fixtures/one-by-one-visits.json), and snapshots must be written.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { cameraSchema } from "../../../agent/config/cameras.ts";
import type { FacingEvent, OccupancyEvent, TrackEvent, VisionEvent } from "../../../agent/vision/events.ts";
import { assertMatchesVisits, visitLabels, visitVideo } from "../../helpers/visits.ts";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "../../..");
const shared = join(repo, "../shared");
const video = visitVideo;

function watch(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "watch", ...args], { cwd: repo, env: { ...process.env, HEARTH_MODEL_DIR: join(shared, "models") } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }));
  });
}

test("occupancy timeline of the one-by-one video matches the hand labels (5 fps)", async (t) => {
  if (!existsSync(video)) return t.skip("../shared absent: no recording to watch");
  const snapshots = mkdtempSync(join(tmpdir(), "hearth-watch-"));
  const run = await watch(["--input", video, "--json", "--fps", "5", "--snapshots", snapshots]);
  t.diagnostic(`watch took ${run.seconds.toFixed(1)} s`);
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as VisionEvent | { type: "snapshot"; path: string });
  const occupancy = events.filter((e): e is OccupancyEvent => e.type === "occupancy");
  const area = "one-by-one-person-detection"; // the file name
  assert.ok(occupancy.every((e) => e.area === area && e.label === "person" && e.camera === area));
  assert.ok(!events.some((e) => e.type === "facing"), "face detection is off by default");

  const leaveS = cameraSchema.parse({ name: "x", file: "x", area: "x" }).occupancy.leave_s;
  assertMatchesVisits(occupancy, leaveS);
  const changes = occupancy.slice(1);

  // One stable track per visit: exactly one person track enters per visit.
  const enters = events.filter((e): e is TrackEvent => e.type === "track_enter");
  assert.equal(new Set(enters.map((e) => e.track_id)).size, visitLabels.visits.length);
  const leaves = events.filter((e): e is TrackEvent => e.type === "track_leave");
  assert.deepEqual(leaves.map((e) => e.track_id), enters.map((e) => e.track_id));

  // A snapshot per occupancy change, each a JPEG.
  const files = readdirSync(snapshots).filter((f) => f.endsWith(".jpg"));
  assert.equal(files.length, changes.length);
  for (const f of files) assert.deepEqual([...readFileSync(join(snapshots, f)).subarray(0, 3)], [0xff, 0xd8, 0xff]);
});

test("with faces enabled in the config, --json prints facing events: 0 first, people turning to the camera, 0 at the end", async (t) => {
  if (!existsSync(video)) return t.skip("../shared absent: no recording to watch");
  const config = join(mkdtempSync(join(tmpdir(), "hearth-watch-")), "faces.yaml");
  writeFileSync(config, `cameras:\n  - name: lounge\n    file: ${video}\n    area: Living Room\n    faces: { enabled: true }\n`);
  const run = await watch(["--input", video, "--config", config, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as VisionEvent);
  const facing = events.filter((e): e is FacingEvent => e.type === "facing");
  assert.ok(facing.every((e) => e.camera === "lounge" && e.area === "Living Room"));
  const counts = facing.map((e) => e.count);
  assert.equal(counts[0], 0);
  assert.equal(counts.at(-1), 0, "the last visitor has left");
  // Visitors face the camera at some point of most of the six visits.
  assert.ok(counts.filter((n) => n > 0).length >= 3, counts.join(","));
  // A facing person is a detected person: the camera saw someone whenever the count rose.
  const occupancy = events.filter((e): e is OccupancyEvent => e.type === "occupancy");
  for (const rise of facing.filter((e) => e.count > 0)) {
    const last = occupancy.filter((e) => e.t_ms <= rise.t_ms).at(-1);
    assert.ok(last?.occupied, `facing at ${rise.t_ms} ms while the room is occupied`);
  }
});

test("a corrupt video: exit 1 and one JSON error line naming the camera and the file", async (t) => {
  if (!existsSync(join(shared, "models"))) return t.skip("../shared absent: no model");
  const dir = mkdtempSync(join(tmpdir(), "hearth-watch-"));
  const bad = join(dir, "attic.mp4");
  writeFileSync(bad, Buffer.alloc(20_000, 0x42));
  const run = await watch(["--input", bad, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l) as VisionEvent);
  const error = events.find((e) => e.type === "error");
  assert.ok(error && error.type === "error", run.stdout);
  assert.equal(error.camera, "attic");
  assert.match(error.message, /^camera "attic": .*attic\.mp4.*Invalid data found/);
});

test("a missing input file is refused before anything starts", async () => {
  const run = await watch(["--input", "/nonexistent/den.mp4"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /--input: \/nonexistent\/den\.mp4: no such file/);
});
