/**
 * The policy for readings of the fallback recognizer (agent/intent/fallback/):
 * a calibrated confidence at or above `act` is carried out, at or above
 * `confirm` is asked about first with a yes/no question, below is refused.
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

/** act, confirm or refuse for a confidence (0..1). */
export function fallbackDecision(confidence: number, thresholds: FallbackThresholds): "act" | "confirm" | "refuse" {
  if (confidence >= thresholds.act) return "act";
  if (confidence >= thresholds.confirm) return "confirm";
  return "refuse";
}

/** The yes/no question for a reading hearth is not sure of: "Do you want me to turn off Bedroom Light?". */
export function proposal(resolution: Resolution): string {
  return `Do you want me to ${proposalFor(resolution)}?`;
}
