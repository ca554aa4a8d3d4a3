/**
 * FrameSource against real ffmpeg: the real recording, a corrupt file, a
 * missing ffmpeg, ffmpeg killed mid-stream, and an HTTP stream that stalls and
 * then disappears (served from this process on loopback).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { CameraError, FrameSource, type FrameSourceStatus } from "../../../agent/camera/frame-source.ts";

const here = dirname(fileURLToPath(import.meta.url));
const video = join(here, "../../../../shared/data/video/one-by-one-person-detection.mp4");
const hasVideo = existsSync(video);
const hasFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

async function collect(source: FrameSource, onFrame?: (index: number) => void) {
  const frames: { t: number; index: number; width: number; height: number; bytes?: number; lb?: number }[] = [];
  for await (const f of source) {
    frames.push({ t: f.t, index: f.index, width: f.width, height: f.height, bytes: f.rgb?.length, lb: f.letterboxed?.bgr.length });
    onFrame?.(frames.length);
  }
  return frames;
}

test("a video file gives full frames at the asked fps with media time, and the letterboxed copy", async (t) => {
  if (!hasVideo || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: cannot read the recording");
  const source = new FrameSource({ camera: "hall", input: { kind: "file", path: video }, fps: 2, letterbox: { size: 416, pad: 114 } });
  const states: string[] = [];
  source.on("state", (s) => states.push(s.state));
  const frames = await collect(source);
  // 139.4 s at 2 fps.
  assert.ok(Math.abs(frames.length - 279) <= 1, `${frames.length} frames`);
  assert.deepEqual(frames.slice(0, 3).map((f) => f.t), [0, 500, 1000]);
  assert.equal(frames[0]!.width, 768);
  assert.equal(frames[0]!.height, 432);
  assert.equal(frames[0]!.bytes, 768 * 432 * 3);
  assert.equal(frames[0]!.lb, 416 * 416 * 3);
  assert.deepEqual(states, ["running", "stopped"]);
});

test("a corrupt file fails at once with a clear error naming the camera and the file", async (t) => {
  if (!hasFfmpeg) return t.skip("ffmpeg absent");
  const dir = mkdtempSync(join(tmpdir(), "hearth-camera-"));
  const bad = join(dir, "broken.mp4");
  // An mp4 header with garbage after it.
  writeFileSync(bad, Buffer.concat([Buffer.from("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "binary"), Buffer.alloc(50_000, 0x5a)]));
  const source = new FrameSource({ camera: "garage", input: { kind: "file", path: bad }, fps: 5 });
  await assert.rejects(collect(source), (err: Error) => {
    assert.ok(err instanceof CameraError);
    assert.match(err.message, /^camera "garage": .*broken\.mp4.*(Invalid data|moov atom not found|could not find)/i);
    return true;
  });
  assert.equal(source.status.state, "failed");
});

test("a missing file and a missing ffmpeg are clear errors too", async (t) => {
  if (!hasFfmpeg) return t.skip("ffmpeg absent");
  await assert.rejects(collect(new FrameSource({ camera: "porch", input: { kind: "file", path: "/nonexistent/porch.mp4" }, fps: 5 })), /camera "porch": .*porch\.mp4.*No such file/);
  await assert.rejects(
    collect(new FrameSource({ camera: "porch", input: { kind: "file", path: video }, fps: 5, ffmpegPath: "/nonexistent/ffmpeg" })),
    /camera "porch": ffmpeg not found at \/nonexistent\/ffmpeg/,
  );
});

test("ffmpeg killed mid-stream: restarted with backoff, resumes where it was, no frame lost, no crash", async (t) => {
  if (!hasVideo || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: cannot read the recording");
  const source = new FrameSource({ camera: "hall", input: { kind: "file", path: video }, fps: 5, restartMinMs: 50 });
  const statuses: FrameSourceStatus[] = [];
  source.on("state", (s) => statuses.push(s));
  const pids = new Set<number>();
  const frames = await collect(source, (n) => {
    pids.add(source.pid!);
    if (n === 40) process.kill(source.pid!, "SIGKILL"); // a crash from outside, not via our API
  });
  assert.equal(pids.size, 2, "a second ffmpeg was started");
  const restart = statuses.find((s) => s.state === "restarting");
  assert.ok(restart, "restarting state reported");
  assert.match(restart.lastError!, /killed by SIGKILL/);
  assert.equal(source.status.restarts, 1);
  // Media time continues on the 200 ms grid without a gap or a repeat.
  assert.ok(Math.abs(frames.length - 697) <= 1, `${frames.length} frames`);
  frames.forEach((f, i) => assert.equal(f.t, i * 200));
  assert.equal(source.status.state, "stopped");
});

/** An HTTP "camera" serving an MPEG-TS stream: `stallAfter` bytes, then silence; `down` refuses connections. */
async function httpCamera(ts: Buffer, stallAfter: number): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "video/mp2t" });
    res.write(ts.subarray(0, stallAfter)); // ... and never end: a stalled camera
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream.ts`, server, requests: () => requests };
}

test("a stream that stalls is restarted; a camera that disappears retries with backoff, then fails naming the camera", async (t) => {
  if (!hasVideo || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: cannot make a stream");
  const dir = mkdtempSync(join(tmpdir(), "hearth-camera-"));
  const tsFile = join(dir, "stream.ts");
  const made = spawnSync("ffmpeg", ["-v", "error", "-y", "-i", video, "-t", "20", "-c", "copy", "-f", "mpegts", tsFile]);
  assert.equal(made.status, 0, made.stderr?.toString());
  const ts = readFileSync(tsFile);
  const camera = await httpCamera(ts, Math.floor(ts.length * 0.6));
  const source = new FrameSource({ camera: "yard", input: { kind: "url", url: camera.url }, fps: 5, stallTimeoutMs: 1500, restartMinMs: 100, restartMaxMs: 400, maxFailures: 3 });
  const statuses: FrameSourceStatus[] = [];
  source.on("state", (s) => {
    statuses.push(s);
    // After the first stall the camera goes away entirely.
    if (s.state === "restarting" && s.restarts === 1) {
      camera.server.closeAllConnections();
      camera.server.close();
    }
  });
  const started = Date.now();
  const frames: number[] = [];
  const error = await (async () => {
    try {
      for await (const f of source) frames.push(f.t);
    } catch (err) {
      return err as Error;
    }
  })();
  assert.ok(frames.length > 5, `frames before the stall: ${frames.length}`);
  assert.match(statuses.find((s) => s.state === "restarting")!.lastError!, /stalled: no frame for 1\.5 s/);
  assert.ok(error instanceof CameraError, String(error));
  assert.match(error.message, /^camera "yard": ffmpeg exit code \d+: http:\/\/127\.0\.0\.1:\d+\/stream\.ts: Connection refused/);
  // Backoff 100 + 200 ms between the three failed starts after the stall.
  assert.equal(source.status.restarts, 3);
  assert.ok(Date.now() - started >= 1500 + 300);
  assert.equal(camera.requests(), 1);
});

test("a camera device that is not there and a refused stream name the camera; passwords stay out of the message", async (t) => {
  if (!hasFfmpeg) return t.skip("ffmpeg absent");
  await assert.rejects(
    collect(new FrameSource({ camera: "nursery", input: { kind: "device", path: "/dev/video97" }, fps: 5, maxFailures: 1 })),
    /^CameraError: camera "nursery": ffmpeg exit code 1: \/dev\/video97: No such file or directory$/,
  );
  const refused = await collect(new FrameSource({ camera: "gate", input: { kind: "url", url: "rtsp://admin:hunter2@127.0.0.1:1/live" }, fps: 5, maxFailures: 1 })).catch((e: Error) => e);
  assert.ok(refused instanceof CameraError);
  assert.match(refused.message, /^camera "gate": .*rtsp:\/\/\*\*\*@127\.0\.0\.1:1\/live.*Connection refused/);
  assert.doesNotMatch(refused.message, /hunter2/);
});

test("a looping file runs past its end with media time still counting", async (t) => {
  if (!hasVideo || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: cannot read the recording");
  const source = new FrameSource({ camera: "hall", input: { kind: "file", path: video, loop: true }, fps: 10 });
  // 1500 frames at 10 fps = 150 s, past the recording's 139.4 s.
  const frames = await collect(source, (n) => n === 1500 && source.close());
  assert.equal(frames.length, 1500);
  frames.forEach((f, i) => assert.equal(f.t, i * 100));
  assert.equal(source.status.restarts, 0);
});

test("close() ends the iteration cleanly while ffmpeg is running", async (t) => {
  if (!hasVideo || !hasFfmpeg) return t.skip("../shared or ffmpeg absent: cannot read the recording");
  const source = new FrameSource({ camera: "hall", input: { kind: "file", path: video, loop: true }, fps: 10 });
  const frames = await collect(source, (n) => n === 5 && source.close());
  assert.equal(frames.length, 5);
  assert.equal(source.status.state, "stopped");
});
