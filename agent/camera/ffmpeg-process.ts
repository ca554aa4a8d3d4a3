/**
 * One ffmpeg child process writing raw frames: learns the frame size from
 * ffmpeg's own output description on stderr, cuts stdout (and fd 3 when a
 * letterboxed copy is requested) into fixed-size records, pairs them, and
 * pauses the pipes while unread frames pile up so that a file decoded faster
 * than the detector runs does not fill memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";

/** One decoded frame: full rgb24 and, when requested, the letterboxed bgr24 copy. */
export interface RawFrame {
  rgb: Buffer;
  width: number;
  height: number;
  letterboxed?: Buffer;
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
  private readonly full = new RecordQueue();
  private readonly lb = new RecordQueue();
  private width = 0;
  private height = 0;
  /** ffmpeg has started describing its outputs (input streams are described first and may be rawvideo too, e.g. V4L2). */
  private inOutputs = false;
  private ended = false;
  private wake: (() => void) | undefined;

  /**
   * Start `ffmpegPath args`. `letterboxSize` must be set exactly when the
   * arguments write a letterboxed copy to pipe:3.
   */
  constructor(ffmpegPath: string, args: string[], private readonly letterboxSize?: number) {
    this.child = spawn(ffmpegPath, args, { stdio: ["ignore", "pipe", "pipe", ...(letterboxSize ? ["pipe" as const] : [])] });
    if (letterboxSize) this.lb.setSize(letterboxSize * letterboxSize * 3);
    this.child.stdout!.on("data", (chunk: Buffer) => this.onData(this.full, chunk));
    this.lbStream?.on("data", (chunk: Buffer) => this.onData(this.lb, chunk));
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
      if (this.width && this.full.records.length && (!this.letterboxSize || this.lb.records.length)) {
        const rgb = this.full.records.shift()!;
        const letterboxed = this.letterboxSize ? this.lb.records.shift() : undefined;
        this.flow();
        return { rgb, width: this.width, height: this.height, letterboxed };
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private get lbStream(): Readable | undefined {
    return this.letterboxSize ? (this.child.stdio[3] as Readable) : undefined;
  }

  private onData(queue: RecordQueue, chunk: Buffer): void {
    queue.push(chunk);
    this.flow();
    this.notify();
  }

  /** Backpressure: pause both pipes while enough complete frames wait to be read. */
  private flow(): void {
    const ready = Math.min(this.full.records.length, this.letterboxSize ? this.lb.records.length : Infinity);
    for (const stream of [this.child.stdout!, this.lbStream]) {
      if (!stream) continue;
      if (ready >= MAX_QUEUED) stream.pause();
      else stream.resume();
    }
  }

  private onStderr(text: string): void {
    const lines = (this.stderrRest + text).split(/\r?\n|\r/);
    this.stderrRest = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      this.stderrLines.push(line.trim());
      if (this.stderrLines.length > 40) this.stderrLines.shift();
      // ffmpeg describes its first output before writing it: "Stream #0:0: Video: rawvideo (RGB[24] ...), rgb24(...), 768x432, ..."
      if (line.startsWith("Output #0")) this.inOutputs = true;
      if (!this.width && this.inOutputs) {
        const m = /Stream #0:0.*Video: rawvideo.*?, (\d+)x(\d+)/.exec(line);
        if (m) {
          this.width = Number(m[1]);
          this.height = Number(m[2]);
          this.full.setSize(this.width * this.height * 3);
          this.flow();
          this.notify();
        }
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
