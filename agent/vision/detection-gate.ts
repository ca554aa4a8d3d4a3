/**
 * When a camera runs its detector: on every frame while something is tracked
 * or an area still counts someone (so tracks and occupancy edges keep their
 * timing), and otherwise only on frames with motion, at most `idle_fps`, plus
 * one frame every `keepalive_s` whatever the motion (an object that arrived
 * unseen by the motion detector is still found). Frigate gates its detector
 * on motion the same way.
 */
import type { MotionSettings } from "../config/cameras.ts";

/** Why a frame was or was not sent to the detector (for statistics). */
export type GateDecision = "tracking" | "motion" | "keepalive" | "idle";

export class DetectionGate {
  private lastDetectMs = -Infinity;

  constructor(private readonly settings: MotionSettings) {}

  /**
   * Decide for the frame at `tMs` (ms, increasing).
   * @param busy something is tracked or counted on this camera.
   * @param motion the frame's motion verdict; undefined when the frame has no motion picture (then every frame is detected).
   */
  decide(tMs: number, busy: boolean, motion: boolean | undefined): GateDecision {
    const sinceMs = tMs - this.lastDetectMs;
    let decision: GateDecision;
    if (!this.settings.enabled || motion === undefined || busy) decision = "tracking";
    else if (motion && sinceMs + 0.5 >= 1000 / this.settings.idle_fps) decision = "motion";
    // The first frame is always detected: it announces every area as empty.
    else if (this.lastDetectMs === -Infinity || (this.settings.keepalive_s > 0 && sinceMs >= this.settings.keepalive_s * 1000)) decision = "keepalive";
    else decision = "idle";
    if (decision !== "idle") this.lastDetectMs = tMs;
    return decision;
  }
}
