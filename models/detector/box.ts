/**
 * Axis-aligned boxes in pixels (corner form) and the detection record every
 * detector returns.
 */

/** Corners in pixels, x1 < x2, y1 < y2, origin top-left. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** One detected object: a COCO label, its score 0..1 and its box in source-frame pixels. */
export interface Detection {
  label: string;
  /** Index of `label` in the detector's class list. */
  classId: number;
  score: number;
  box: Box;
}

/** Area of a box in square pixels (0 for degenerate boxes). */
export function boxArea(b: Box): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

/** Intersection over union of two boxes, 0..1 (0 when both are empty). */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}
