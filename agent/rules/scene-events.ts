/**
 * What the vision pipeline reports and the rule engine consumes. The shapes
 * are those `hearth watch` prints as JSON lines; `t_ms` is wall-clock ms since
 * the epoch for live cameras and media time for files.
 */

/** Occupancy of one area by one label changed (after the pipeline's hysteresis), or its count did. */
export interface OccupancyEvent {
  type: "occupancy";
  /** Home Assistant area name or id ("Living Room", "living_room"). */
  area: string;
  /** Detector label (COCO class name: person, dog, cat, ...). */
  label: string;
  occupied: boolean;
  /** Objects of that label currently in the area. */
  count: number;
  t_ms: number;
}

/** A tracked object entered or left a zone (and with it, the zone's area). */
export interface TrackEvent {
  type: "track_enter" | "track_leave";
  camera: string;
  area: string;
  zone: string;
  label: string;
  /** Stable per camera while the object is tracked. */
  track_id: number | string;
  t_ms: number;
}

export type SceneEvent = OccupancyEvent | TrackEvent;
