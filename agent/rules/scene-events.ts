/**
 * What the vision pipeline reports and the rule engine consumes. The shapes
 * are those `hearth watch` prints as JSON lines; `t_ms` is wall-clock ms since
 * the epoch for live cameras and media time for files.
 */
import { z } from "zod";
import { formatIssues } from "../config/load.ts";
import type { OccupancyEvent as VisionOccupancyEvent, TrackEvent as VisionTrackEvent } from "../vision/events.ts";

/**
 * The rule engine's view of vision's events (agent/vision/events.ts): what a
 * rule needs, so recorded `hearth watch` lines without camera, score or box
 * replay as well. Track ids may be strings in hand-written replays.
 */
export type OccupancyEvent = Omit<VisionOccupancyEvent, "camera">;
export type TrackEvent = Omit<VisionTrackEvent, "score" | "box" | "track_id"> & { track_id: number | string };

export type SceneEvent = OccupancyEvent | TrackEvent;

const sceneEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("occupancy"), area: z.string().min(1), label: z.string().min(1), occupied: z.boolean(), count: z.number().int().min(0), t_ms: z.number().finite() }),
  z.object({
    type: z.enum(["track_enter", "track_leave"]), camera: z.string().min(1), area: z.string().min(1), zone: z.string().min(1),
    label: z.string().min(1), track_id: z.union([z.number(), z.string()]), t_ms: z.number().finite(),
  }),
]);

const SCENE_TYPES = new Set(["occupancy", "track_enter", "track_leave"]);

/**
 * Parse one JSON line of `hearth watch --json` output (or of an MQTT event topic).
 * Extra fields are allowed and dropped.
 * @returns the event; `null` for a blank line or a line of another `type` (a rule firing, an error);
 *   `{ error }` naming the field when the line is not JSON or not a valid scene event.
 */
export function parseSceneEvent(line: string): SceneEvent | null | { error: string } {
  if (line.trim() === "") return null;
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (err) {
    return { error: `not JSON: ${(err as Error).message}` };
  }
  const type = (doc as { type?: unknown } | null)?.type;
  if (typeof type === "string" && !SCENE_TYPES.has(type)) return null;
  const result = sceneEventSchema.safeParse(doc);
  return result.success ? result.data : { error: formatIssues(result.error.issues).join("; ") };
}
