/**
 * FrameSource: frames from a camera (V4L2 device, RTSP/HTTP stream or video
 * file) through an ffmpeg child process, as an async iterable. It restarts
 * ffmpeg with exponential backoff when the stream stalls, the camera
 * disappears or ffmpeg exits, and reports a `restarting` state; it never
 * throws for a transient failure. It throws `CameraError` (naming the camera)
 * only for failures a restart cannot fix: ffmpeg missing, a file that cannot
 * be decoded, or too many consecutive failures. Reconnect-with-backoff and the
 * restarting state follow wyoming-satellite's input services.
 */
import { EventEmitter } from "node:events";
import { letterboxGeometry, type LetterboxedImage } from "../../models/detector/letterbox.ts";
import { logger } from "../log.ts";
import { describeInput, ffmpegArgs, type CameraInput, type LetterboxOutput, type MotionOutput } from "./ffmpeg-args.ts";
import { FfmpegProcess } from "./ffmpeg-process.ts";

const log = logger("camera/frame-source");

/** A decoded frame: its source size and time, and the pictures the source was asked for. */
export interface Frame {
  /** Source resolution in pixels (also when no full-size picture was asked for). */
  width: number;
  height: number;
  /** The full picture, rgb24 at source resolution (`width`×`height`×3), unless the source was asked for none. */
  rgb?: Uint8Array;
  /** The grey motion picture (`motion.width`×`motion.height` bytes), when asked for. */
  motion?: Uint8Array;
  /** ms: media time for files (continuing across loops and restarts), wall-clock epoch ms for live sources. */
  t: number;
  /** Frame number since the source started, 0-based, across restarts. */
  index: number;
  /** The detector's letterboxed bgr24 input (S×S×3), when the source was asked for it. */
  letterboxed?: LetterboxedImage;
}

export type FrameSourceState = "starting" | "running" | "restarting" | "stopped" | "failed";

export interface FrameSourceStatus {
  camera: string;
  state: FrameSourceState;
  /** Restarts so far. */
  restarts: number;
  frames: number;
  /** Why the last restart or failure happened. */
  lastError?: string;
}

export interface FrameSourceOptions {
  /** Camera name; every error message starts with it. */
  camera: string;
  input: CameraInput;
  /** Frames per second delivered. */
  fps: number;
  /** Deliver the full-size rgb24 picture (default true; a camera needs it only for snapshots and the face check). */
  full?: boolean;
  /** Also deliver the letterboxed detector input, scaled by ffmpeg. */
  letterbox?: LetterboxOutput;
  /** Also deliver a small grey picture for motion detection, scaled by ffmpeg. */
  motion?: MotionOutput;
  /** Files: deliver at the media's pace instead of as fast as possible. */
  realtime?: boolean;
  /** No frame for this long while one is awaited → restart (ms, default 10 000). */
  stallTimeoutMs?: number;
  /** First restart delay, doubled per consecutive failure up to `restartMaxMs` (defaults 1 000 and 60 000). */
  restartMinMs?: number;
  restartMaxMs?: number;
  /** Give up after this many consecutive starts without a frame (default: never for live sources, 3 for files; a file that never gave a frame fails at once). */
  maxFailures?: number;
  /** Default `ffmpeg` from PATH. */
  ffmpegPath?: string;
}

/** A camera failure that restarting cannot fix; the message names the camera and the input. */
export class CameraError extends Error {
  constructor(readonly camera: string, message: string) {
    super(`camera "${camera}": ${message}`);
    this.name = "CameraError";
  }
}

export interface FrameSourceEvents {
  state: [status: FrameSourceStatus];
}

/** See the module comment. Iterate it once; `close()` ends the iteration. */
export class FrameSource extends EventEmitter<FrameSourceEvents> implements AsyncIterable<Frame> {
  private current: FfmpegProcess | undefined;
  private closed = false;
  private wakeSleep: (() => void) | undefined;
  private readonly info: FrameSourceStatus;

  constructor(readonly options: FrameSourceOptions) {
    super();
    if (!(options.fps > 0)) throw new CameraError(options.camera, `fps must be positive, got ${options.fps}`);
    this.info = { camera: options.camera, state: "starting", restarts: 0, frames: 0 };
  }

  /** A snapshot of the current state. */
  get status(): FrameSourceStatus {
    return { ...this.info };
  }

  /** Stop ffmpeg and end the iteration (the loop sees the end, not an error). */
  close(): void {
    this.closed = true;
    this.current?.kill("closed");
    this.wakeSleep?.();
  }

  /** Pid of the running ffmpeg, if any. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    const { options } = this;
    const { camera, input, fps } = options;
    const isFile = input.kind === "file";
    const maxFailures = options.maxFailures ?? (isFile ? 3 : Infinity);
    const stallMs = options.stallTimeoutMs ?? 10_000;
    const periodMs = 1000 / fps;
    let failures = 0;
    let fileFrames = 0; // frames delivered from the file so far: where a restart resumes
    try {
      while (!this.closed) {
        // A file resumes where it stopped; a looping one restarts its loop (seeking past the end of a loop fails), its media time keeps counting.
        const startAtMs = isFile && !input.loop ? fileFrames * periodMs : 0;
        const full = options.full ?? true;
        const args = ffmpegArgs({ input, fps, full, letterbox: options.letterbox, motion: options.motion, startAtMs, realtime: options.realtime });
        log.debug({ camera, input: describeInput(input), startAtMs }, "starting ffmpeg");
        const proc = new FfmpegProcess(options.ffmpegPath ?? "ffmpeg", args, { full, letterboxSize: options.letterbox?.size, motion: options.motion });
        this.current = proc;
        let gotFrame = false;
        for (;;) {
          const stall = setTimeout(() => proc.kill(`stalled: no frame for ${(stallMs / 1000).toFixed(1)} s`), stallMs);
          const raw = await proc.next();
          clearTimeout(stall);
          if (!raw) break;
          if (!gotFrame) {
            gotFrame = true;
            failures = 0;
            this.setState("running");
          }
          const t = isFile ? fileFrames * periodMs : Date.now();
          fileFrames++;
          const frame: Frame = { width: raw.width, height: raw.height, t, index: this.info.frames++ };
          if (raw.rgb) frame.rgb = new Uint8Array(raw.rgb.buffer, raw.rgb.byteOffset, raw.rgb.length);
          if (raw.motion) frame.motion = new Uint8Array(raw.motion.buffer, raw.motion.byteOffset, raw.motion.length);
          if (raw.letterboxed && options.letterbox) {
            frame.letterboxed = {
              bgr: new Uint8Array(raw.letterboxed.buffer, raw.letterboxed.byteOffset, raw.letterboxed.length),
              geometry: letterboxGeometry(raw.width, raw.height, options.letterbox.size),
            };
          }
          yield frame;
          if (this.closed) return;
        }
        const exit = await proc.exited;
        this.current = undefined;
        if (this.closed) return;
        if (exit.spawnFailed) throw this.fail(exit.reason);
        const reason = exit.reason.includes(describeInput(input)) ? exit.reason : `${describeInput(input)}: ${exit.reason}`;
        // A file that never gave a single frame is unreadable (missing, corrupt, no video): retrying cannot help.
        if (isFile && fileFrames === 0) throw this.fail(exit.code === 0 ? `${describeInput(input)}: no video frames` : reason);
        if (isFile && !input.loop && exit.code === 0) {
          this.setState("stopped");
          return;
        }
        if (!gotFrame) failures++;
        if (failures >= maxFailures) throw this.fail(reason);
        const delay = Math.min(options.restartMaxMs ?? 60_000, (options.restartMinMs ?? 1_000) * 2 ** Math.max(0, failures - 1));
        this.info.restarts++;
        this.setState("restarting", reason);
        log.warn({ camera, reason, delayMs: delay, restarts: this.info.restarts }, "camera stream interrupted; restarting ffmpeg");
        await this.sleep(delay);
        if (!this.closed) this.setState("starting");
      }
    } finally {
      this.current?.kill("closed");
      this.current = undefined;
      if (this.info.state !== "failed") this.setState("stopped");
    }
  }

  private fail(reason: string): CameraError {
    this.setState("failed", reason);
    return new CameraError(this.options.camera, reason);
  }

  private setState(state: FrameSourceState, reason?: string): void {
    if (this.info.state === state && reason === undefined) return;
    this.info.state = state;
    if (reason !== undefined) this.info.lastError = reason;
    this.emit("state", this.status);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
    });
  }
}
