/**
 * Config section `audio`: the microphones (one "satellite" per room), each
 * with its own area and wake word gate, and how live sources restart.
 */
import { z } from "zod";

export const microphoneSchema = z.strictObject({
  /** Unique name, used in events and logs. */
  name: z.string().min(1),
  /** Area (room) the microphone is in; commands heard here default to it. */
  area: z.string().optional(),
  /** Capture program run by node-record-lpcm16: `arecord` (ALSA, Jetson) or `sox`. */
  recorder: z.enum(["arecord", "sox"]).default("arecord"),
  /** ALSA device (`plughw:1,0`) for arecord, or the AUDIODEV for sox; default the system default. */
  device: z.string().optional(),
  /**
   * ALSA playback device (`aplay -D`) of the speaker next to this microphone:
   * responses to it, and the timers set from it, are spoken there. Default `tts.device`.
   */
  speaker: z.string().min(1).optional(),
  /** Accept a wake word here only while a camera sees a person in this microphone's area (against TV false wakes). */
  presence_gate: z.boolean().default(false),
  /** Wake word gate: off means every utterance counts (an always-listening, push-to-talk style source). */
  wake_word: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Subset of `wakeword.models` names this microphone answers to; default all. */
      models: z.array(z.string().min(1)).optional(),
    })
    .default({ enabled: true }),
});

export const audioSchema = z.strictObject({
  microphones: z
    .array(microphoneSchema)
    .default([])
    .superRefine((mics, ctx) => {
      mics.forEach((mic, i) => {
        if (mics.findIndex((m) => m.name === mic.name) !== i) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate microphone name "${mic.name}"` });
      });
    }),
  /** First delay before restarting a failed live source; doubled on each failure up to `retry_max_ms`. */
  retry_min_ms: z.number().int().min(10).default(500),
  retry_max_ms: z.number().int().min(10).default(30_000),
});

export type AudioConfig = z.infer<typeof audioSchema>;
export type MicrophoneConfig = z.infer<typeof microphoneSchema>;
