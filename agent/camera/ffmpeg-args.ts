/**
 * ffmpeg command lines for camera inputs: decode, resample to the configured
 * fps, and write raw frames: the full-size rgb24 picture on stdout (only when
 * a snapshot or the face check needs it), the detector's letterboxed BGR input
 * on fd 3, and a small grey picture for motion detection on fd 4. ffmpeg's
 * SIMD scaler does the resizing in its own process instead of the agent's
 * event loop, and a camera that needs no full-size picture never pipes one.
 */

/** Where frames come from. */
export type CameraInput =
  | { kind: "file"; path: string; loop?: boolean }
  | { kind: "device"; path: string }
  | { kind: "url"; url: string };

/** Letterbox for the detector: an S×S canvas, image top-left, padded with `pad` (0..255). */
export interface LetterboxOutput {
  size: number;
  pad: number;
}

/** A grey (luma only) picture of exactly width×height pixels, stretched to it whatever the source's aspect. */
export interface MotionOutput {
  width: number;
  height: number;
}

/** The file descriptors ffmpeg writes each output on. */
export const OUTPUT_FD = { full: 1, letterbox: 3, motion: 4 } as const;

export interface FfmpegArgsOptions {
  input: CameraInput;
  /** Output frames per second. */
  fps: number;
  /** Write the full-size rgb24 frame on stdout (default true). At least one output must be asked for. */
  full?: boolean;
  letterbox?: LetterboxOutput;
  motion?: MotionOutput;
  /** Files only: start this many ms into the media (resuming after a restart). */
  startAtMs?: number;
  /** Files only: read at the media's own pace (`-re`), as a live camera would deliver it. */
  realtime?: boolean;
}

/** Describe an input for messages: the path or URL without credentials. */
export function describeInput(input: CameraInput): string {
  if (input.kind === "url") return input.url.replace(/\/\/[^@/]*@/, "//***@");
  return input.path;
}

/** Arguments for `ffmpeg` (without the program name). */
export function ffmpegArgs(options: FfmpegArgsOptions): string[] {
  const { input, fps, letterbox } = options;
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"];
  switch (input.kind) {
    case "device":
      args.push("-f", "v4l2", "-i", input.path);
      break;
    case "url":
      // TCP keeps RTSP frames whole on lossy Wi-Fi; UDP drops make grey smears.
      if (/^rtsps?:/.test(input.url)) args.push("-rtsp_transport", "tcp");
      args.push("-i", input.url);
      break;
    case "file":
      if (input.loop) args.push("-stream_loop", "-1");
      if (options.startAtMs) args.push("-ss", (options.startAtMs / 1000).toFixed(3));
      if (options.realtime) args.push("-re");
      args.push("-i", input.path);
      break;
  }
  const full = options.full ?? true;
  const outputs: { label: string; filter: string; pixFmt: string; fd: number }[] = [];
  if (full) outputs.push({ label: "full", filter: "", pixFmt: "rgb24", fd: OUTPUT_FD.full });
  if (letterbox) {
    const { size, pad } = letterbox;
    // Same rounding as the TypeScript letterbox: floor(side × min(S/w, S/h)).
    const r = `min(${size}/iw,${size}/ih)`;
    const color = `0x${pad.toString(16).padStart(2, "0").repeat(3)}`;
    const filter = `scale=w='trunc(iw*${r})':h='trunc(ih*${r})':flags=bilinear,pad=${size}:${size}:0:0:color=${color},format=bgr24`;
    outputs.push({ label: "lb", filter, pixFmt: "bgr24", fd: OUTPUT_FD.letterbox });
  }
  if (options.motion) {
    // Area averaging over the luma plane: a cheap, already smoothed picture for frame differencing.
    outputs.push({ label: "motion", filter: `scale=${options.motion.width}:${options.motion.height}:flags=area,format=gray`, pixFmt: "gray", fd: OUTPUT_FD.motion });
  }
  if (!outputs.length) throw new Error("ffmpegArgs: no output asked for (full, letterbox or motion)");
  const rate = `fps=${fps}`;
  args.push("-an", "-sn");
  if (outputs.length === 1 && full) {
    args.push("-vf", rate, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
    return args;
  }
  const split = outputs.length > 1 ? `split=${outputs.length}${outputs.map((o) => `[${o.label}_in]`).join("")}` : "null[" + outputs[0]!.label + "_in]";
  const chains = outputs.map((o) => `[${o.label}_in]${o.filter || "null"}[${o.label}]`);
  args.push("-filter_complex", [`[0:v]${rate},${split}`, ...chains].join(";"));
  for (const o of outputs) args.push("-map", `[${o.label}]`, "-f", "rawvideo", "-pix_fmt", o.pixFmt, `pipe:${o.fd}`);
  return args;
}
