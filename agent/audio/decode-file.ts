/**
 * Decode a whole audio file (WAV, FLAC, anything ffmpeg reads) to 16 kHz mono
 * signed 16-bit PCM in one go, for recognizers, tests and benchmarks that
 * work on complete utterances. The streaming sources live next to this file.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * PCM samples of `file` at `sampleRate` Hz (default 16 000), mono int16.
 * @throws Error naming the file when ffmpeg is missing, the file is unreadable or corrupt.
 */
export async function decodeAudioFile(file: string, sampleRate = 16_000): Promise<Int16Array> {
  let stdout: Buffer;
  try {
    ({ stdout } = await run("ffmpeg", ["-nostdin", "-v", "error", "-i", file, "-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", String(sampleRate), "-"], {
      encoding: "buffer",
      maxBuffer: 1 << 30,
    }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") throw new Error(`${file}: cannot decode audio: ffmpeg is not installed`);
    throw new Error(`${file}: cannot decode audio: ${e.stderr?.toString().trim().split("\n").pop() ?? e.message}`);
  }
  // Copy into an aligned buffer: Buffer slices may start at odd offsets.
  const samples = new Int16Array(stdout.length >> 1);
  new Uint8Array(samples.buffer).set(stdout.subarray(0, samples.length * 2));
  return samples;
}
