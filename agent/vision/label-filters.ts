/**
 * Per-label detection filters (config `cameras[].labels`, after Frigate's
 * `objects.filters`): drop a detection whose score is below its label's
 * `min_score` or whose box is smaller than `min_area` or larger than
 * `max_area`. Areas of 1 and above are square pixels of the source frame;
 * below 1 they are a fraction of the frame's area, so one config fits any
 * resolution. The detector already applies `min_score` as its per-label
 * threshold; it is checked again here so any detector backend gets it.
 */
import { boxArea, type Detection } from "../../models/detector/box.ts";
import type { LabelFilter } from "../config/cameras.ts";

/** The detections that pass their label's filter (labels without one pass). Frame size in pixels. */
export function filterDetections(detections: readonly Detection[], filters: Readonly<Record<string, LabelFilter>>, width: number, height: number): Detection[] {
  const frameArea = width * height;
  const pixels = (v: number) => (v < 1 ? v * frameArea : v);
  return detections.filter((d) => {
    const f = filters[d.label];
    if (!f) return true;
    if (f.min_score !== undefined && d.score < f.min_score) return false;
    const area = boxArea(d.box);
    if (f.min_area !== undefined && area < pixels(f.min_area)) return false;
    if (f.max_area !== undefined && area > pixels(f.max_area)) return false;
    return true;
  });
}
