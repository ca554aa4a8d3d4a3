/**
 * File backend: any audio file ffmpeg can read (WAV, FLAC, MP3, ...), decoded,
 * down-mixed and resampled to 16 kHz mono int16 by an ffmpeg child process,
 * yielded as 80 ms frames either as fast as possible or paced in real time.
 */
import { spawn } from "node:child_process";
import { access } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { AudioSourceError, FRAME_MS, SAMPLE_RATE, collectFrames, framesFromBytes, type AudioSource } from "./source.ts";

export interface FileSourceOptions {
  /** Pace frames at real time (as a live microphone would) instead of as fast as possible. */
  realtime?: boolean;
  /** ffmpeg executable (default `ffmpeg` on PATH). */
  ffmpeg?: string;
}

/** ffmpeg warnings that mean the input is damaged, not merely unusual. */
const DAMAGE = /corrupt|invalid|error|truncat|failed|could not find|no such file|does not contain any stream|not enough|end of file/i;

/**
 * Frames of `path`. The last frame is zero-padded.
 * @throws AudioSourceError naming the file when it is missing, unreadable, not audio, corrupt or truncated
 *   (ffmpeg exits non-zero under `-xerror`, or warns about damaged packets), or when ffmpeg is not installed.
 */
export async function* fileSource(path: string, options: FileSourceOptions = {}): AudioSource & AsyncGenerator<Int16Array> {
  try {
    await access(path);
  } catch (err) {
    throw new AudioSourceError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const child = spawn(
    options.ffmpeg ?? "ffmpeg",
    ["-hide_banner", "-nostats", "-nostdin", "-v", "warning", "-xerror", "-i", path, "-vn", "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  const started = performance.now();
  let count = 0;
  try {
    for await (const frame of framesFromBytes(path, child.stdout)) {
      if (options.realtime) {
        const due = started + count * FRAME_MS;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      count++;
      yield frame;
    }
    const { code, error } = await exited;
    if (error) throw new AudioSourceError(path, `cannot run ffmpeg: ${error.message}`, { cause: error });
    const damage = stderr.split("\n").filter((line) => DAMAGE.test(line));
    if (code !== 0 || damage.length) {
      const detail = (damage.length ? damage : stderr.trim().split("\n")).slice(-2).join("; ") || `ffmpeg exited with code ${code}`;
      throw new AudioSourceError(path, `corrupt, truncated or not audio: ${detail}`);
    }
    if (count === 0) throw new AudioSourceError(path, "contains no audio samples");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

/**
 * Decode a whole file to one 16 kHz mono int16 buffer (length rounded up to whole 80 ms frames, zero-padded).
 * @throws AudioSourceError as `fileSource`.
 */
export async function decodeFile(path: string, options: Omit<FileSourceOptions, "realtime"> = {}): Promise<Int16Array> {
  return collectFrames(fileSource(path, options));
}
