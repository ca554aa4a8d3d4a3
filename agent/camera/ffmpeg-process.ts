/**
 * One ffmpeg child process writing raw frames: learns the source frame size
 * from ffmpeg's own stream descriptions on stderr, cuts each requested output
 * (full rgb24 on stdout, letterboxed bgr24 on fd 3, grey motion picture on
 * fd 4) into fixed-size records, groups them into frames, and pauses the
 * pipes while unread frames pile up so that a file decoded faster than the
 * detector runs does not fill memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import { OUTPUT_FD, type MotionOutput } from "./ffmpeg-args.ts";

/** One decoded frame: each output that was asked for, and the source size. */
export interface RawFrame {
  /** Full-size rgb24, when asked for. */
  rgb?: Buffer;
  width: number;
  height: number;
  letterboxed?: Buffer;
  /** Grey motion picture, when asked for. */
  motion?: Buffer;
}

/** Which outputs the ffmpeg arguments write (they must match `ffmpegArgs`' options). */
export interface FfmpegOutputs {
  full: boolean;
  letterboxSize?: number;
  motion?: MotionOutput;
}

/** How the process ended. `reason` is ffmpeg's most telling stderr line (or ours, when we killed it). */
export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: string;
  /** True when ffmpeg could not be started at all (ENOENT, EACCES). */
  spawnFailed: boolean;
}

const MAX_QUEUED = 3;
const TELLING = /error|invalid|no such|not found|denied|refused|unauthorized|timed out|could not|cannot|failed|unable|does not|end of file|broken/i;

/**
 * Split a byte stream into records of `size` bytes, copying each chunk once
 * straight into a preallocated record (frames are ~1 MB; pipe chunks 64 KB).
 * Chunks that arrive before the size is known wait in `early`.
 */
class RecordQueue {
  records: Buffer[] = [];
  private current: Buffer | undefined;
  private filled = 0;
  private early: Buffer[] = [];
  private size = 0;

  /** Set the record size once known and cut what arrived before. */
  setSize(size: number): void {
    this.size = size;
    const early = this.early;
    this.early = [];
    for (const chunk of early) this.push(chunk);
  }

  push(chunk: Buffer): void {
    if (this.size <= 0) {
      this.early.push(chunk);
      return;
    }
    let offset = 0;
    while (offset < chunk.length) {
      this.current ??= Buffer.allocUnsafeSlow(this.size);
      const n = Math.min(this.size - this.filled, chunk.length - offset);
      chunk.copy(this.current, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === this.size) {
        this.records.push(this.current);
        this.current = undefined;
        this.filled = 0;
      }
    }
  }
}

export class FfmpegProcess {
  readonly exited: Promise<FfmpegExit>;
  private readonly child: ChildProcess;
  private readonly stderrLines: string[] = [];
  private stderrRest = "";
  private killReason: string | undefined;
  private readonly full?: RecordQueue;
  private readonly lb?: RecordQueue;
  private readonly motion?: RecordQueue;
  private width = 0;
  private height = 0;
  /** Which part of ffmpeg's stream description stderr is in: the size is read from the input's video stream, or from the full output when there is one. */
  private describing: "none" | "input" | "outputs" = "none";
  private ended = false;
  private wake: (() => void) | undefined;

  /** Start `ffmpegPath args`; `outputs` says which pipes the arguments write. */
  constructor(ffmpegPath: string, args: string[], private readonly outputs: FfmpegOutputs) {
    const stdio: ("ignore" | "pipe")[] = ["ignore", "pipe", "pipe", outputs.letterboxSize ? "pipe" : "ignore", outputs.motion ? "pipe" : "ignore"];
    this.child = spawn(ffmpegPath, args, { stdio: outputs.motion ? stdio : stdio.slice(0, outputs.letterboxSize ? 4 : 3) });
    if (outputs.full) this.full = new RecordQueue();
    if (outputs.letterboxSize) {
      this.lb = new RecordQueue();
      this.lb.setSize(outputs.letterboxSize * outputs.letterboxSize * 3);
    }
    if (outputs.motion) {
      this.motion = new RecordQueue();
      this.motion.setSize(outputs.motion.width * outputs.motion.height);
    }
    for (const [queue, fd] of this.queues()) this.stream(fd).on("data", (chunk: Buffer) => this.onData(queue, chunk));
    this.child.stderr!.setEncoding("utf8");
    this.child.stderr!.on("data", (text: string) => this.onStderr(text));
    this.exited = new Promise((resolve) => {
      let spawnError: NodeJS.ErrnoException | undefined;
      this.child.on("error", (err: NodeJS.ErrnoException) => {
        spawnError = err;
      });
      this.child.on("close", (code, signal) => {
        this.ended = true;
        this.notify();
        if (spawnError) {
          const why = spawnError.code === "ENOENT" ? `ffmpeg not found at ${ffmpegPath}` : `cannot run ${ffmpegPath}: ${spawnError.message}`;
          resolve({ code, signal, reason: why, spawnFailed: true });
          return;
        }
        resolve({ code, signal, reason: this.killReason ?? this.tellingLine(code, signal), spawnFailed: false });
      });
    });
  }

  /** Process id, for tests and diagnostics. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stop ffmpeg (SIGKILL: a stalled RTSP read ignores SIGTERM); `reason` becomes the exit reason. */
  kill(reason: string): void {
    this.killReason ??= reason;
    this.child.kill("SIGKILL");
  }

  /** The next frame, or undefined once ffmpeg has exited and every complete frame was read. */
  async next(): Promise<RawFrame | undefined> {
    for (;;) {
      if (this.width && this.ready() > 0) {
        const frame: RawFrame = { width: this.width, height: this.height };
        if (this.full) frame.rgb = this.full.records.shift()!;
        if (this.lb) frame.letterboxed = this.lb.records.shift()!;
        if (this.motion) frame.motion = this.motion.records.shift()!;
        this.flow();
        return frame;
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private *queues(): Generator<[RecordQueue, number]> {
    if (this.full) yield [this.full, OUTPUT_FD.full];
    if (this.lb) yield [this.lb, OUTPUT_FD.letterbox];
    if (this.motion) yield [this.motion, OUTPUT_FD.motion];
  }

  private stream(fd: number): Readable {
    return this.child.stdio[fd] as Readable;
  }

  /** Complete frames waiting: the fewest records over the outputs. */
  private ready(): number {
    let n = Infinity;
    for (const [queue] of this.queues()) n = Math.min(n, queue.records.length);
    return n;
  }

  private onData(queue: RecordQueue, chunk: Buffer): void {
    queue.push(chunk);
    this.flow();
    this.notify();
  }

  /** Backpressure: pause every pipe while enough complete frames wait to be read. */
  private flow(): void {
    const pause = this.ready() >= MAX_QUEUED;
    for (const [, fd] of this.queues()) {
      if (pause) this.stream(fd).pause();
      else this.stream(fd).resume();
    }
  }

  private onStderr(text: string): void {
    const lines = (this.stderrRest + text).split(/\r?\n|\r/);
    this.stderrRest = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      this.stderrLines.push(line.trim());
      if (this.stderrLines.length > 40) this.stderrLines.shift();
      // ffmpeg describes its input, then its outputs, before writing: "Stream #0:0: Video: rawvideo (RGB[24] ...), rgb24(...), 768x432, ...".
      // Input streams may be rawvideo too (V4L2); the full output, when there is one, gives the size after autorotation.
      if (line.startsWith("Input #0")) this.describing = "input";
      else if (line.startsWith("Output #")) this.describing = "outputs";
      if (this.width) continue;
      const fromInput = this.describing === "input" && !this.outputs.full;
      const fromOutput = this.describing === "outputs" && this.outputs.full;
      const m = fromInput ? /Stream #0:\d+.*: Video: .*?, (\d+)x(\d+)/.exec(line) : fromOutput ? /Stream #0:0.*Video: rawvideo.*?, (\d+)x(\d+)/.exec(line) : null;
      if (m) {
        this.width = Number(m[1]);
        this.height = Number(m[2]);
        this.full?.setSize(this.width * this.height * 3);
        this.flow();
        this.notify();
      }
    }
  }

  private tellingLine(code: number | null, signal: NodeJS.Signals | null): string {
    const lines = [...this.stderrLines, this.stderrRest.trim()].filter(Boolean);
    const telling = [...lines].reverse().find((l) => TELLING.test(l) && !/^\s*(Stream|Input|Output|Metadata|encoder|Duration)/.test(l));
    const status = signal ? `killed by ${signal}` : `exit code ${code}`;
    // ffmpeg repeats the URL in its messages: keep credentials out of logs and events.
    return (telling ? `ffmpeg ${status}: ${telling}` : `ffmpeg ${status}`).replace(/\/\/[^@/\s]*@/g, "//***@");
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
