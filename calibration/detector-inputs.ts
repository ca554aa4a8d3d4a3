/**
 * Calibration and evaluation inputs for the YOLOX detector: real frames from a
 * video (decoded by ffmpeg) or images (decoded by sharp), letterboxed by the live
 * detector's own pre-processing (models/detector/letterbox.ts: YOLOX `preproc`).
 */
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import sharp from "sharp";
import { letterbox } from "../models/detector/letterbox.ts";
import { YOLOX_PAD_VALUE } from "../models/detector/yolox.ts";

/** One pre-processed input: `data` is f32[3*size*size] CHW BGR 0..255. */
export interface DetectorInput {
  /** File name, or `file#frame` for video frames. */
  name: string;
  data: Float32Array;
  /** Model pixels per source pixel (divide model coordinates by it for source pixels). */
  ratio: number;
  /** Source size in pixels. */
  width: number;
  height: number;
}

const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp"]);
const VIDEO_EXTENSIONS = new Set([".mp4", ".mkv", ".avi", ".mov", ".webm"]);

function letterboxed(name: string, rgb: Uint8Array, width: number, height: number, size: number): DetectorInput {
  const { tensor, geometry } = letterbox({ rgb, width, height }, size, YOLOX_PAD_VALUE);
  return { name, data: tensor, ratio: geometry.scaleX, width, height };
}

/** Decode an image file to RGB and letterbox it. @throws Error naming the file when sharp cannot read it. */
export async function imageInput(path: string, size: number): Promise<DetectorInput> {
  let decoded;
  try {
    decoded = await sharp(path).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new Error(`${path}: cannot decode image (${(err as Error).message})`);
  }
  return letterboxed(path, decoded.data, decoded.info.width, decoded.info.height, size);
}

/**
 * Frames of a video at `fps` frames per second, decoded by ffmpeg to RGB.
 * @throws Error naming the file when ffmpeg fails or the stream has no video.
 */
export async function* videoInputs(path: string, size: number, fps: number, limit = Infinity): AsyncGenerator<DetectorInput> {
  const probe = await runFfprobe(path);
  const frameBytes = probe.width * probe.height * 3;
  const ffmpeg = spawn("ffmpeg", ["-v", "error", "-i", path, "-vf", `fps=${fps}`, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  ffmpeg.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => ffmpeg.on("close", resolve));
  let pending = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of ffmpeg.stdout) {
      pending = Buffer.concat([pending, chunk as Buffer]);
      while (pending.length >= frameBytes && index < limit) {
        const frame = pending.subarray(0, frameBytes);
        pending = pending.subarray(frameBytes);
        yield letterboxed(`${path}#${index}`, frame, probe.width, probe.height, size);
        index++;
      }
      if (index >= limit) break;
    }
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill("SIGTERM");
  }
  const code = await exited;
  if (index < limit && code !== 0) throw new Error(`${path}: ffmpeg failed (${code}): ${stderr.trim()}`);
  if (index === 0) throw new Error(`${path}: no frames decoded`);
}

async function runFfprobe(path: string): Promise<{ width: number; height: number }> {
  const probe = spawn("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path]);
  let out = "";
  let err = "";
  probe.stdout.on("data", (c: Buffer) => (out += c.toString()));
  probe.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    probe.on("error", (e) => reject(new Error(`${path}: cannot run ffprobe (${e.message})`)));
    probe.on("close", resolve);
  });
  const [width, height] = out.trim().split(",").map(Number);
  if (code !== 0 || !width || !height) throw new Error(`${path}: no video stream (${err.trim() || "ffprobe gave no size"})`);
  return { width, height };
}

/**
 * All inputs from `source`: a video file (sampled at `fps`) or a directory of images.
 * @throws Error naming `source` when it is neither, or holds no usable file.
 */
export async function collectDetectorInputs(source: string, size: number, options: { fps?: number; limit?: number } = {}): Promise<DetectorInput[]> {
  const limit = options.limit ?? Infinity;
  let stat;
  try {
    stat = statSync(source);
  } catch {
    throw new Error(`${source}: no such file or directory`);
  }
  const inputs: DetectorInput[] = [];
  if (stat.isDirectory()) {
    const files = readdirSync(source)
      .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort();
    if (!files.length) throw new Error(`${source}: no images (${[...IMAGE_EXTENSIONS].join(", ")})`);
    for (const file of files.slice(0, limit)) inputs.push(await imageInput(join(source, file), size));
    return inputs;
  }
  if (!VIDEO_EXTENSIONS.has(extname(source).toLowerCase())) throw new Error(`${source}: expected a video (${[...VIDEO_EXTENSIONS].join(", ")}) or a directory of images`);
  for await (const input of videoInputs(source, size, options.fps ?? 1, limit)) inputs.push(input);
  return inputs;
}
