/**
 * Multi-object tracker with stable ids, after ByteTrack (Zhang et al., 2022,
 * "ByteTrack: Multi-Object Tracking by Associating Every Detection Box"):
 * confident detections are matched to tracks first, then the leftover tracks
 * try the low-score detections (partly hidden people), and only confident
 * detections start new tracks. Association is greedy by IoU between a track's
 * box moved by its constant-velocity prediction and the detection, within
 * one label. No appearance model: at 5 fps indoors IoU is enough.
 */
import { iou, type Box, type Detection } from "../../models/detector/box.ts";
import type { TrackerSettings } from "../config/cameras.ts";

export interface Track {
  /** Stable id, unique per tracker, counting from 1. */
  id: number;
  label: string;
  box: Box;
  score: number;
  /** Frames in which the track was matched. */
  hits: number;
  /** True once `hits ≥ min_hits`; stays true. */
  confirmed: boolean;
  /** True when a detection matched it in the latest update. */
  seen: boolean;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Box centre velocity in pixels per ms. */
  vx: number;
  vy: number;
}

interface Pair {
  track: Track;
  detection: Detection;
  overlap: number;
}

export class Tracker {
  private tracks: Track[] = [];
  private nextId = 1;
  /** Tracks dropped by the latest update (lost longer than `max_lost_ms`). */
  removed: Track[] = [];

  constructor(private readonly settings: TrackerSettings) {}

  /** Live tracks (seen now or recently lost), oldest first. */
  get active(): readonly Track[] {
    return this.tracks;
  }

  /**
   * Feed one frame's detections at time `tMs` (ms, increasing).
   * @returns the live tracks after the update; `removed` holds the ones dropped.
   */
  update(detections: readonly Detection[], tMs: number): readonly Track[] {
    const { high_score: high, match_iou: minIou } = this.settings;
    for (const t of this.tracks) t.seen = false;
    const strong = detections.filter((d) => d.score >= high);
    const weak = detections.filter((d) => d.score < high);
    const unmatchedStrong = this.associate(this.tracks, strong, minIou, tMs);
    this.associate(this.tracks.filter((t) => !t.seen), weak, minIou, tMs);
    for (const d of unmatchedStrong) {
      this.tracks.push({ id: this.nextId++, label: d.label, box: { ...d.box }, score: d.score, hits: 1, confirmed: this.settings.min_hits <= 1, seen: true, firstSeenMs: tMs, lastSeenMs: tMs, vx: 0, vy: 0 });
    }
    this.removed = this.tracks.filter((t) => !t.seen && tMs - t.lastSeenMs > this.settings.max_lost_ms);
    if (this.removed.length) this.tracks = this.tracks.filter((t) => !this.removed.includes(t));
    return this.tracks;
  }

  /** Confirmed tracks matched in the latest update, counted per label. */
  countsByLabel(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const t of this.tracks) if (t.confirmed && t.seen) counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
    return counts;
  }

  /** Greedy IoU matching; updates matched tracks, returns unmatched detections. */
  private associate(tracks: readonly Track[], detections: readonly Detection[], minIou: number, tMs: number): Detection[] {
    const pairs: Pair[] = [];
    for (const track of tracks) {
      const predicted = predict(track, tMs);
      for (const detection of detections) {
        if (detection.label !== track.label) continue;
        const overlap = iou(predicted, detection.box);
        if (overlap >= minIou) pairs.push({ track, detection, overlap });
      }
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    const used = new Set<Detection>();
    for (const { track, detection } of pairs) {
      if (track.seen || used.has(detection)) continue;
      used.add(detection);
      this.continueTrack(track, detection, tMs);
    }
    return detections.filter((d) => !used.has(d));
  }

  private continueTrack(track: Track, detection: Detection, tMs: number): void {
    const dt = tMs - track.lastSeenMs;
    if (dt > 0) {
      const [cx0, cy0] = centre(track.box);
      const [cx1, cy1] = centre(detection.box);
      // Smoothed so one jittery box does not throw the prediction off.
      track.vx = 0.5 * track.vx + 0.5 * ((cx1 - cx0) / dt);
      track.vy = 0.5 * track.vy + 0.5 * ((cy1 - cy0) / dt);
    }
    track.box = { ...detection.box };
    track.score = detection.score;
    track.hits++;
    track.seen = true;
    track.lastSeenMs = tMs;
    if (track.hits >= this.settings.min_hits) track.confirmed = true;
  }
}

function centre(b: Box): [number, number] {
  return [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2];
}

/** The track's box shifted by its velocity to time `tMs`. */
function predict(track: Track, tMs: number): Box {
  const dt = tMs - track.lastSeenMs;
  const dx = track.vx * dt;
  const dy = track.vy * dt;
  const b = track.box;
  return { x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 + dx, y2: b.y2 + dy };
}
