/**
 * ffmpeg command lines for camera inputs: decode, resample to the configured
 * fps, and write raw rgb24 frames on stdout; optionally a second output on
 * fd 3 with the detector's letterboxed BGR input, so that ffmpeg's SIMD scaler
 * does the resizing in its own process instead of the agent's event loop.
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

export interface FfmpegArgsOptions {
  input: CameraInput;
  /** Output frames per second. */
  fps: number;
  letterbox?: LetterboxOutput;
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
  const rate = `fps=${fps}`;
  if (letterbox) {
    const { size, pad } = letterbox;
    // Same rounding as the TypeScript letterbox: floor(side × min(S/w, S/h)).
    const r = `min(${size}/iw,${size}/ih)`;
    const color = `0x${pad.toString(16).padStart(2, "0").repeat(3)}`;
    const graph =
      `[0:v]${rate},split=2[full][det];` +
      `[det]scale=w='trunc(iw*${r})':h='trunc(ih*${r})':flags=bilinear,pad=${size}:${size}:0:0:color=${color},format=bgr24[lb]`;
    args.push("-an", "-sn", "-filter_complex", graph);
    args.push("-map", "[full]", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
    args.push("-map", "[lb]", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:3");
  } else {
    args.push("-an", "-sn", "-vf", rate, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1");
  }
  return args;
}
