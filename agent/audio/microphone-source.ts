/**
 * Microphone backend through node-record-lpcm16 (it spawns `arecord` or `sox`
 * capturing 16 kHz mono s16le), wrapped by `resilientSource` so a missing
 * device or an exiting recorder restarts with backoff instead of stopping the agent.
 */
import { createRequire } from "node:module";
import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import type { MicrophoneConfig } from "../config/audio.ts";
import { AudioSourceError, SAMPLE_RATE, framesFromBytes, type AudioSource } from "./source.ts";

const require = createRequire(import.meta.url);
const recordLpcm16 = require("node-record-lpcm16") as {
  record(options: Record<string, unknown>): { process: ChildProcess; stream(): Readable; stop(): void };
};

/**
 * One capture run: frames until the recorder stops.
 * @throws AudioSourceError naming the microphone when the recorder cannot be started (not installed), the device
 *   cannot be opened, or the recorder exits (with its last stderr lines).
 */
export async function* microphoneSource(mic: MicrophoneConfig): AudioSource & AsyncGenerator<Int16Array> {
  const name = `microphone ${mic.name}`;
  const recording = recordLpcm16.record({
    sampleRate: SAMPLE_RATE,
    channels: 1,
    recorder: mic.recorder,
    device: mic.device,
    audioType: "raw",
    threshold: 0,
    endOnSilence: false,
  });
  const child = recording.process;
  let stderr = "";
  let failure: AudioSourceError | undefined;
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => (stderr = (stderr + d).slice(-2000)));
  const exited = new Promise<void>((resolve) => {
    child.once("error", (err: NodeJS.ErrnoException) => {
      failure = new AudioSourceError(name, `cannot start ${mic.recorder}${err.code === "ENOENT" ? " (not installed?)" : ""}: ${err.message}`);
      resolve();
    });
    child.once("close", (code, signal) => {
      if (code !== 0 && !failure) {
        const detail = stderr.trim().split("\n").slice(-2).join("; ");
        failure = new AudioSourceError(name, `${mic.recorder}${mic.device ? ` (device ${mic.device})` : ""} exited with ${code ?? signal}${detail ? `: ${detail}` : ""}`);
      }
      resolve();
    });
  });
  const stream = recording.stream();
  // node-record-lpcm16 re-emits a non-zero exit as a string 'error' on the stream; the close handler reports it.
  stream.on("error", () => undefined);
  try {
    for await (const frame of framesFromBytes(name, stream)) yield frame;
    await exited;
    if (failure) throw failure;
    throw new AudioSourceError(name, `${mic.recorder} stopped`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) recording.stop();
  }
}
