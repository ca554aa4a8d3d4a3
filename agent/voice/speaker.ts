/**
 * Speaks responses: text → Flite (in-process WASI) → a sink (`aplay` or a WAV
 * file per response). A missing `aplay` or a failed write is logged and
 * reported to the caller, never thrown out of the agent's main loop.
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { logger } from "../log.ts";
import type { TtsConfig } from "../config/tts.ts";
import { synthesizeFlite } from "../../models/tts/flite.ts";
import { encodeWav } from "../audio/wav.ts";

const log = logger("agent/voice/speaker");

export interface Spoken {
  /** Length of the synthesised speech, in ms. */
  durationMs: number;
  /** The WAV written by the `file` sink. */
  file?: string;
}

/** Speaks responses through the configured synthesizer and sink (config section `tts`). */
export class Speaker {
  private counter = 0;

  constructor(private readonly config: TtsConfig) {}

  /** True when `say` produces sound (engine and sink both on). */
  get enabled(): boolean {
    return this.config.engine !== "off" && this.config.sink !== "off";
  }

  /**
   * Synthesise `text` and send it to the configured sink. `device`: the ALSA
   * device of this response's speaker (a microphone's `speaker`), instead of
   * `tts.device`; the file sink puts it in the file name.
   * @returns null when speech is off; otherwise the duration (and file for the file sink).
   * @throws Error when synthesis fails, `aplay` is missing or fails, or the WAV cannot be written.
   */
  async say(text: string, options: { device?: string } = {}): Promise<Spoken | null> {
    if (!this.enabled) return null;
    const audio = await synthesizeFlite(text, this.config.voice);
    const wav = encodeWav(audio.samples, audio.sampleRate);
    const durationMs = Math.round((audio.samples.length / audio.sampleRate) * 1000);
    if (this.config.sink === "file") {
      const dir = resolve(this.config.dir);
      await mkdir(dir, { recursive: true });
      const device = options.device ?? this.config.device;
      const file = join(dir, `response-${device ? `${device.replace(/[^A-Za-z0-9_.-]/g, "_")}-` : ""}${Date.now()}-${++this.counter}.wav`);
      await writeFile(file, wav).catch((err: Error) => {
        throw new Error(`tts.dir: cannot write ${file}: ${err.message}`);
      });
      log.info({ file, durationMs }, "response written");
      return { durationMs, file };
    }
    await this.play(wav, options.device ?? this.config.device);
    return { durationMs };
  }

  private play(wav: Buffer, device: string | undefined): Promise<void> {
    const args = ["-q", ...(device ? ["-D", device] : []), "-"];
    return new Promise((resolvePlay, reject) => {
      const child = spawn("aplay", args, { stdio: ["pipe", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (err: NodeJS.ErrnoException) =>
        reject(new Error(err.code === "ENOENT" ? "tts.sink aplay: aplay is not installed (apt install alsa-utils), or set tts.sink to file or off" : `tts.sink aplay: ${err.message}`)),
      );
      child.on("close", (code) => (code === 0 ? resolvePlay() : reject(new Error(`tts.sink aplay${device ? ` (device ${device})` : ""}: exit ${code}: ${stderr.trim()}`))));
      child.stdin.on("error", () => undefined); // aplay exiting early surfaces through "close"
      child.stdin.end(wav);
    });
  }
}
