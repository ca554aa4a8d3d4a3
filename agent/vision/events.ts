/**
 * Events that perception emits (the contract scene rules, HA entities and
 * `hearth watch` consume). Times are `t_ms`: media time for video files,
 * wall-clock epoch ms for live cameras.
 */
import type { Box } from "../../models/detector/box.ts";

/** Occupancy of one area for one label changed: emitted when `count` changes (occupied = count > 0). */
export interface OccupancyEvent {
  type: "occupancy";
  camera: string;
  area: string;
  label: string;
  occupied: boolean;
  /** Number of tracked objects of `label` in `area`, after hysteresis. */
  count: number;
  t_ms: number;
}

/** A confirmed track entered or left a zone (leaving includes the track being lost). */
export interface TrackEvent {
  type: "track_enter" | "track_leave";
  camera: string;
  area: string;
  zone: string;
  label: string;
  /** Stable per camera for the life of the track. */
  track_id: number;
  /** Detector score of the track's last box, 0..1. */
  score: number;
  /** Last box in source-frame pixels. */
  box: Box;
  t_ms: number;
}

/**
 * The number of people close to and facing the camera changed (faces paired
 * with person boxes, see facing.ts), after the camera's occupancy hysteresis.
 * The first processed frame reports the initial count 0.
 */
export interface FacingEvent {
  type: "facing";
  camera: string;
  /** The camera's area (the whole picture). */
  area: string;
  /** People whose face is at least `faces.min_face_height` of the frame high. */
  count: number;
  t_ms: number;
}

/** The camera's frame source changed state (see FrameSourceState); `t_ms` is the time of the last frame before the change. */
export interface CameraStateEvent {
  type: "camera";
  camera: string;
  state: "starting" | "running" | "restarting" | "stopped" | "failed";
  /** Why it restarted or failed. */
  reason?: string;
  t_ms: number;
}

/** Something went wrong; the message names the camera and the cause. */
export interface VisionErrorEvent {
  type: "error";
  camera: string;
  message: string;
  t_ms: number;
}

export type VisionEvent = OccupancyEvent | TrackEvent | FacingEvent | CameraStateEvent | VisionErrorEvent;
