/**
 * Speaking outside a conversation: a finished timer on the speaker of the
 * microphone that set it, a broadcast on every speaker hearth has. A
 * microphone's speaker is its `speaker` device (config `audio.microphones`),
 * else `tts.device`; typed commands (CLI, MQTT) have the default speaker.
 * Failures are logged, never thrown into the caller's timer or session.
 */
import type { Config } from "../config/schema.ts";
import { logger } from "../log.ts";
import { Speaker } from "./speaker.ts";

const log = logger("voice/announcer");

export class Announcer {
  constructor(private readonly config: Pick<Config, "tts" | "audio">, private readonly speaker = new Speaker(config.tts)) {}

  /** True when hearth speaks at all (`tts.engine` and `tts.sink` on). */
  get enabled(): boolean {
    return this.speaker.enabled;
  }

  /** The ALSA device of the speaker for `source` (a microphone's name); undefined: the default device. */
  deviceFor(source: string | undefined): string | undefined {
    const mic = source === undefined ? undefined : this.config.audio.microphones.find((m) => m.name === source);
    return mic?.speaker ?? this.config.tts.device;
  }

  /** Every distinct speaker: each microphone's, or the default one when there are no microphones. */
  devices(): (string | undefined)[] {
    const all = this.config.audio.microphones.map((m) => m.speaker ?? this.config.tts.device);
    return all.length ? [...new Set(all)] : [this.config.tts.device];
  }

  /** Say `text` on the speaker of `source`; resolves false when it could not be spoken (logged). */
  async say(text: string, source?: string): Promise<boolean> {
    return this.sayOn(text, this.deviceFor(source));
  }

  /** Say `text` on every speaker at once; resolves with how many spoke it. */
  async broadcast(text: string): Promise<number> {
    const spoken = await Promise.all(this.devices().map((device) => this.sayOn(text, device)));
    return spoken.filter(Boolean).length;
  }

  private async sayOn(text: string, device: string | undefined): Promise<boolean> {
    if (!this.speaker.enabled) return false;
    try {
      await this.speaker.say(text, device === undefined ? {} : { device });
      return true;
    } catch (err) {
      log.error({ device: device ?? "default", err: (err as Error).message }, "cannot speak the announcement");
      return false;
    }
  }
}
