/**
 * Config section `tts`: how hearth speaks its responses — the in-process
 * Flite synthesizer (WASI, no system package) to `aplay`, to WAV files, or not at all.
 */
import { z } from "zod";
import { FLITE_VOICES } from "../../models/tts/flite.ts";

export const ttsSchema = z.strictObject({
  /** `flite` speaks; `off` keeps hearth silent (responses still go to logs and MQTT). */
  engine: z.enum(["flite", "off"]).default("flite"),
  voice: z.enum(FLITE_VOICES).default("slt"),
  /** `aplay`: play through ALSA; `file`: write one WAV per response into `dir`; `off`: synthesise nothing. */
  sink: z.enum(["aplay", "file", "off"]).default("aplay"),
  /** ALSA device for `aplay -D` (e.g. `plughw:1,0`); the default device when unset. */
  device: z.string().optional(),
  /** Directory for the `file` sink. */
  dir: z.string().default("responses"),
});

export type TtsConfig = z.infer<typeof ttsSchema>;
