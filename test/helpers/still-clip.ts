/**
 * Video clips made with ffmpeg from the still pictures in ../shared/data/images
 * (each picture looped for some seconds, scaled to one size), for tests that
 * need pets or vehicles on real pixels: the only real recording shows people.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedData } from "./shared-data.ts";

/**
 * Write an H.264 mp4 of `scenes` (picture file name under images/, seconds) at
 * `fps`, every picture scaled and padded to width×height. Returns its path.
 * @throws Error with ffmpeg's output when it fails.
 */
export function stillClip(scenes: readonly [picture: string, seconds: number][], options: { width?: number; height?: number; fps?: number } = {}): string {
  const { width = 640, height = 480, fps = 10 } = options;
  const out = join(mkdtempSync(join(tmpdir(), "hearth-clip-")), "clip.mp4");
  const inputs = scenes.flatMap(([file, seconds]) => ["-loop", "1", "-framerate", String(fps), "-t", String(seconds), "-i", join(sharedData("images"), file)]);
  const scaled = scenes.map((_, i) => `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v${i}]`);
  const filter = `${scaled.join(";")};${scenes.map((_, i) => `[v${i}]`).join("")}concat=n=${scenes.length}:v=1:a=0[out]`;
  const r = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...inputs, "-filter_complex", filter, "-map", "[out]", "-r", String(fps), "-c:v", "libx264", "-preset", "ultrafast", out], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg could not make ${out}: ${r.stderr || r.error?.message}`);
  return out;
}
