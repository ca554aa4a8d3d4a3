/**
 * The policy for readings of the fallback recognizer (agent/intent/fallback/):
 * a calibrated confidence at or above `act` is carried out, at or above
 * `confirm` is asked about first with a yes/no question, below is refused,
 * and so is a reading that leaves more than one unknown word unexplained.
 * Sensitive actions (unlock, disarm, open a garage door) ask whatever the
 * confidence, through the same confirmation turn (the resolver and the
 * publish guard mark them).
 */
import { proposalFor } from "../intent/responses.ts";
import type { Resolution } from "../resolve/resolver.ts";

export interface FallbackThresholds {
  act: number;
  confirm: number;
}

/**
 * Words hearth does not know that a reading may leave unexplained and still
 * be acted on or asked about. A request with more is, as a rule, about
 * something else ("remind me I need to be at the library at five", "will it
 * be too cold for a dress on Sunday"), however its known words line up.
 */
export const MAX_UNKNOWN_WORDS = 1;

/** act, confirm or refuse for a confidence (0..1) and the reading's count of unknown words. */
export function fallbackDecision(confidence: number, thresholds: FallbackThresholds, unknownWords = 0): "act" | "confirm" | "refuse" {
  if (unknownWords > MAX_UNKNOWN_WORDS) return "refuse";
  if (confidence >= thresholds.act) return "act";
  if (confidence >= thresholds.confirm) return "confirm";
  return "refuse";
}

/** The yes/no question for a reading hearth is not sure of: "Do you want me to turn off Bedroom Light?". */
export function proposal(resolution: Resolution): string {
  return `Do you want me to ${proposalFor(resolution)}?`;
}
