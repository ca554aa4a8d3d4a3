/**
 * The cameras' live picture for questions ("is anyone in the kitchen"): every
 * confirmed track now (label, the zones and areas it is in, when it was last
 * seen on the wall clock) and the most recent ended tracks (where and when
 * each was last seen), fed with the pipelines' track summaries
 * (track-summary.ts). A track is live until the tracker drops it, which it
 * does `tracker.max_lost_ms` after the last detection, so a live track was
 * seen "just now".
 *
 * Camera times are media ms for files and epoch ms for live cameras; each
 * camera's offset to the wall clock is taken at every start or update (they
 * are emitted on the frame that saw the object), so ended tracks get a wall
 * time for their last sighting too.
 */
import type { TrackUpdate } from "./track-summary.ts";

/** One object a camera tracks now. Times are wall-clock epoch ms. */
export interface LiveObject {
  camera: string;
  track_id: number;
  label: string;
  zones: string[];
  areas: string[];
  stationary: boolean;
  first_ms: number;
  last_ms: number;
}

/** One object no longer tracked: where it was last, and when (wall-clock epoch ms). */
export interface PastSighting {
  camera: string;
  label: string;
  zones: string[];
  areas: string[];
  first_ms: number;
  last_ms: number;
}

export interface SightingsOptions {
  /** The wall clock, epoch ms (tests pass a fixed one). */
  now?: () => number;
  /** Ended tracks kept, newest first (default 500). */
  keep?: number;
}

export class Sightings {
  private readonly liveTracks = new Map<string, LiveObject>();
  private readonly past: PastSighting[] = [];
  private readonly offsets = new Map<string, number>();
  private readonly now: () => number;
  private readonly keep: number;

  constructor(options: SightingsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keep = options.keep ?? 500;
  }

  /** Feed one track summary as the pipeline emits it. */
  observe(update: TrackUpdate): void {
    const key = `${update.camera}\u0000${update.track_id}`;
    if (update.phase !== "end") this.offsets.set(update.camera, this.now() - update.last_seen_ms);
    const offset = this.offsets.get(update.camera) ?? this.now() - update.last_seen_ms;
    const known = this.liveTracks.get(key);
    if (update.phase === "end") {
      this.liveTracks.delete(key);
      // The end summary no longer says where the object was: the last live state does.
      const zones = known?.zones.length ? known.zones : update.entered_zones;
      const areas = known?.areas.length ? known.areas : update.entered_areas;
      this.past.unshift({ camera: update.camera, label: update.label, zones: [...zones], areas: [...areas], first_ms: update.first_ms + offset, last_ms: update.last_seen_ms + offset });
      if (this.past.length > this.keep) this.past.length = this.keep;
      return;
    }
    this.liveTracks.set(key, {
      camera: update.camera, track_id: update.track_id, label: update.label, zones: [...update.zones], areas: [...update.areas], stationary: update.stationary,
      first_ms: known?.first_ms ?? update.first_ms + offset, last_ms: update.last_seen_ms + offset,
    });
  }

  /** Objects tracked now. */
  live(): LiveObject[] {
    return [...this.liveTracks.values()];
  }

  /** Ended tracks, newest first. */
  recent(): readonly PastSighting[] {
    return this.past;
  }
}
