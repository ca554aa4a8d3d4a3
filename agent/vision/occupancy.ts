/**
 * Occupancy per area and label with hysteresis. The reported count rises only
 * after a higher count has been seen for `enter_frames` consecutive frames
 * (to the lowest count of that run), and falls only after every frame for
 * `leave_s` seconds showed a lower count (to the highest count of that
 * window). "Occupied" is count > 0, so it flips with the same hysteresis:
 * a false detection must persist to occupy a room, and a person hidden for a
 * moment does not empty it.
 */
import type { OccupancySettings } from "../config/cameras.ts";
import type { OccupancyEvent } from "./events.ts";

interface AreaLabelState {
  area: string;
  label: string;
  count: number;
  /** Consecutive frames with a count above `count`, and the lowest of them. */
  upFrames: number;
  upMin: number;
  /** Start (ms) of the current run of frames below `count`, and the highest count in it. */
  downSinceMs: number | undefined;
  downMax: number;
}

export class Occupancy {
  private readonly states = new Map<string, AreaLabelState>();
  private announced = false;

  /**
   * @param areas areas this camera covers; @param labels labels it counts. Every
   * area × label pair is reported, starting unoccupied.
   */
  constructor(private readonly camera: string, private readonly settings: OccupancySettings, areas: readonly string[], labels: readonly string[]) {
    for (const area of new Set(areas)) {
      for (const label of labels) this.states.set(key(area, label), { area, label, count: 0, upFrames: 0, upMin: 0, downSinceMs: undefined, downMax: 0 });
    }
  }

  /** Current reported state of every area × label. */
  snapshot(): { area: string; label: string; count: number; occupied: boolean }[] {
    return [...this.states.values()].map((s) => ({ area: s.area, label: s.label, count: s.count, occupied: s.count > 0 }));
  }

  /** Some area counts someone, or a count is about to rise or fall: every frame matters until it settles. */
  get busy(): boolean {
    for (const s of this.states.values()) if (s.count > 0 || s.upFrames > 0 || s.downSinceMs !== undefined) return true;
    return false;
  }

  /**
   * Feed one frame's raw counts (`area → label → count`; missing means 0) at
   * time `tMs`. The first call also reports the initial (empty) state.
   * @returns occupancy events for every area × label whose count changed.
   */
  update(counts: ReadonlyMap<string, ReadonlyMap<string, number>>, tMs: number): OccupancyEvent[] {
    const events: OccupancyEvent[] = [];
    const leaveMs = this.settings.leave_s * 1000;
    for (const s of this.states.values()) {
      const raw = counts.get(s.area)?.get(s.label) ?? 0;
      const before = s.count;
      if (raw > s.count) {
        s.downSinceMs = undefined;
        s.upMin = s.upFrames === 0 ? raw : Math.min(s.upMin, raw);
        s.upFrames++;
        if (s.upFrames >= this.settings.enter_frames) {
          s.count = s.upMin;
          s.upFrames = 0;
        }
      } else if (raw < s.count) {
        s.upFrames = 0;
        if (s.downSinceMs === undefined) {
          s.downSinceMs = tMs;
          s.downMax = raw;
        } else s.downMax = Math.max(s.downMax, raw);
        if (tMs - s.downSinceMs >= leaveMs) {
          s.count = s.downMax;
          s.downSinceMs = undefined;
        }
      } else {
        s.upFrames = 0;
        s.downSinceMs = undefined;
      }
      if (s.count !== before || !this.announced) {
        events.push({ type: "occupancy", camera: this.camera, area: s.area, label: s.label, occupied: s.count > 0, count: s.count, t_ms: tMs });
      }
    }
    this.announced = true;
    return events;
  }
}

function key(area: string, label: string): string {
  return `${area}\u0000${label}`;
}
