/**
 * Zones: polygons in normalised image coordinates (0..1, origin top-left),
 * each mapped to a Home Assistant area. An object is in a zone when the
 * bottom-centre of its box (where it stands on the floor) is inside the
 * polygon (even-odd ray casting, W. R. Franklin's PNPOLY).
 */
import type { Box } from "../../models/detector/box.ts";

export interface Zone {
  name: string;
  area: string;
  /** Vertices [x, y] in 0..1. */
  polygon: readonly (readonly [number, number])[];
}

/** The whole frame as a polygon. */
export const WHOLE_FRAME: Zone["polygon"] = [[0, 0], [1, 0], [1, 1], [0, 1]];

/**
 * The zones of a camera; with none configured, the whole frame is one zone
 * named after the area, mapped to the camera's area.
 */
export function cameraZones(area: string, zones: readonly Zone[] = []): Zone[] {
  return zones.length ? [...zones] : [{ name: area, area, polygon: WHOLE_FRAME }];
}

/**
 * Even-odd point-in-polygon test. Points exactly on the bottom or right edge
 * of the whole-frame polygon (x or y = 1) count as inside, so that boxes
 * touching the image border still count.
 */
export function pointInPolygon(x: number, y: number, polygon: Zone["polygon"]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  if (inside) return true;
  // Border points: the ray test is undefined there; treat a point on an edge as inside.
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    if (onSegment(x, y, polygon[j]!, polygon[i]!)) return true;
  }
  return false;
}

function onSegment(x: number, y: number, a: readonly [number, number], b: readonly [number, number]): boolean {
  const cross = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
  if (Math.abs(cross) > 1e-9) return false;
  return x >= Math.min(a[0], b[0]) - 1e-9 && x <= Math.max(a[0], b[0]) + 1e-9 && y >= Math.min(a[1], b[1]) - 1e-9 && y <= Math.max(a[1], b[1]) + 1e-9;
}

/** Bottom-centre of a box, normalised by the frame size (pixels → 0..1). */
export function footPoint(box: Box, width: number, height: number): [number, number] {
  return [(box.x1 + box.x2) / 2 / width, box.y2 / height];
}

/** The zones that contain the box's bottom-centre. */
export function zonesContaining(box: Box, width: number, height: number, zones: readonly Zone[]): Zone[] {
  const [x, y] = footPoint(box, width, height);
  return zones.filter((z) => pointInPolygon(x, y, z.polygon));
}
