/**
 * The life of each confirmed track as one object, the unit the visual memory
 * stores (after Frigate's tracked objects): first and last time seen, the
 * best (highest-score) box, the zones and areas it was in and entered, and
 * whether it stands still. The pipeline feeds it the tracker's state once per
 * frame; it reports a `start` when a track is confirmed, an `update` when the
 * best score rises by `BEST_MARGIN` (or the zones or stationarity change), and
 * an `end` when the tracker drops the track.
 *
 * Stationary follows Frigate's idea (an object whose box has not moved for a
 * while is parked, not passing by): the box is compared with an anchor box;
 * while IoU ≥ `STILL_IOU` the track counts as still, and once it has been still
 * for `STATIONARY_MS` it is stationary. Moving away resets the anchor.
 */
import { iou, type Box } from "../../models/detector/box.ts";
import type { Track } from "./tracker.ts";

/** One tracked object's summary (times in the camera's clock: media ms for files, epoch ms live). */
export interface TrackUpdate {
  phase: "start" | "update" | "end";
  camera: string;
  track_id: number;
  label: string;
  first_ms: number;
  last_seen_ms: number;
  /** The latest score and box. */
  score: number;
  box: Box;
  /** The highest score so far, and the box and time it was seen at. */
  top_score: number;
  best_box: Box;
  best_ms: number;
  /** True when this update brings a new best box (a snapshot worth taking). */
  best: boolean;
  /** Zones (and their areas) the track is in now, and every zone it has entered. */
  zones: string[];
  areas: string[];
  entered_zones: string[];
  entered_areas: string[];
  stationary: boolean;
  /** Frame size in pixels, for box geometry. */
  width: number;
  height: number;
}

/** A rise of the top score smaller than this is not a new best (keeps snapshot renders rare). */
const BEST_MARGIN = 0.03;
const STILL_IOU = 0.7;
const STATIONARY_MS = 10_000;

interface Summary {
  update: TrackUpdate;
  anchor: Box;
  stillSinceMs: number;
}

export class TrackSummaries {
  private readonly live = new Map<number, Summary>();

  constructor(private readonly camera: string) {}

  /**
   * Feed the tracker's state after one frame. `zoneAreas(track)` gives the zones
   * and areas the track is in now. Returns the summaries that changed.
   */
  observe(tracks: readonly Track[], zoneAreas: (track: Track) => { zones: string[]; areas: string[] }, width: number, height: number): TrackUpdate[] {
    const out: TrackUpdate[] = [];
    for (const track of tracks) {
      if (!track.confirmed || !track.seen) continue;
      const { zones, areas } = zoneAreas(track);
      const known = this.live.get(track.id);
      if (!known) {
        const update: TrackUpdate = {
          phase: "start", camera: this.camera, track_id: track.id, label: track.label, first_ms: track.firstSeenMs, last_seen_ms: track.lastSeenMs,
          score: track.score, box: { ...track.box }, top_score: track.score, best_box: { ...track.box }, best_ms: track.lastSeenMs, best: true,
          zones, areas, entered_zones: [...zones], entered_areas: [...areas], stationary: false, width, height,
        };
        this.live.set(track.id, { update, anchor: { ...track.box }, stillSinceMs: track.lastSeenMs });
        out.push({ ...update });
        continue;
      }
      const u = known.update;
      u.phase = "update";
      u.last_seen_ms = track.lastSeenMs;
      u.score = track.score;
      u.box = { ...track.box };
      u.best = track.score >= u.top_score + BEST_MARGIN;
      if (u.best) {
        u.top_score = track.score;
        u.best_box = { ...track.box };
        u.best_ms = track.lastSeenMs;
      }
      const zonesChanged = zones.join("\u0000") !== u.zones.join("\u0000");
      u.zones = zones;
      u.areas = areas;
      for (const z of zones) if (!u.entered_zones.includes(z)) u.entered_zones.push(z);
      for (const a of areas) if (!u.entered_areas.includes(a)) u.entered_areas.push(a);
      if (iou(known.anchor, track.box) < STILL_IOU) {
        known.anchor = { ...track.box };
        known.stillSinceMs = track.lastSeenMs;
      }
      const stationary = track.lastSeenMs - known.stillSinceMs >= STATIONARY_MS;
      const stationaryChanged = stationary !== u.stationary;
      u.stationary = stationary;
      if (u.best || zonesChanged || stationaryChanged) out.push({ ...u, zones: [...u.zones], areas: [...u.areas], entered_zones: [...u.entered_zones], entered_areas: [...u.entered_areas] });
    }
    return out;
  }

  /** The track was dropped (or the input ended): its final summary, or undefined when it never was confirmed. */
  end(track: Track): TrackUpdate | undefined {
    const known = this.live.get(track.id);
    if (!known) return undefined;
    this.live.delete(track.id);
    return { ...known.update, phase: "end", best: false, zones: [], areas: [] };
  }
}
