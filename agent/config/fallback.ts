/**
 * Config section `intents.fallback`: the second recognizer behind the strict
 * templates (agent/intent/fallback/) and its confidence thresholds. A reading
 * at or above `act` is carried out, one at or above `confirm` is asked about
 * ("Do you want me to turn off the bedroom light?"), anything lower is
 * refused. Speech has stricter thresholds: a speech recognizer's errors are
 * real words, not typos. Defaults set on the SLURP and Home Assistant dev
 * sets (bench/intents.ts).
 */
import { z } from "zod";

const thresholdsSchema = (act: number, confirm: number) =>
  z.strictObject({
    /** Calibrated confidence (0..1) at or above which the fallback's reading is acted on. */
    act: z.number().min(0).max(1).default(act),
    /** Confidence at or above which hearth asks a yes/no question before acting; must not exceed `act`. */
    confirm: z.number().min(0).max(1).default(confirm),
  }).refine((t) => t.confirm <= t.act, { message: "confirm must not exceed act" });

export const FALLBACK_TEXT_DEFAULTS = { act: 0.8, confirm: 0.4 } as const;
export const FALLBACK_VOICE_DEFAULTS = { act: 0.9, confirm: 0.6 } as const;

export const fallbackSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Typed text (CLI, the MQTT text topic). */
  text: thresholdsSchema(FALLBACK_TEXT_DEFAULTS.act, FALLBACK_TEXT_DEFAULTS.confirm).default(FALLBACK_TEXT_DEFAULTS),
  /** Speech: Moonshine's free transcript when the grammar-constrained decode was rejected. */
  voice: thresholdsSchema(FALLBACK_VOICE_DEFAULTS.act, FALLBACK_VOICE_DEFAULTS.confirm).default(FALLBACK_VOICE_DEFAULTS),
});

export type FallbackConfig = z.infer<typeof fallbackSchema>;
