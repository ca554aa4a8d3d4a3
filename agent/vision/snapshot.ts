/**
 * Snapshot for Home Assistant's MQTT `image` entity: the full camera frame as
 * a JPEG with the zones (outlined, named) and the tracked boxes (label, track
 * id, score) drawn on it. Drawing is an SVG overlay composited by sharp
 * (libvips), so no canvas library is needed.
 */
import sharp from "sharp";
import type { Box } from "../../models/detector/box.ts";
import { assertRgbImage, type RgbImage, type SizedImage } from "../../models/detector/image.ts";
import type { LetterboxedImage } from "../../models/detector/letterbox.ts";
import type { Zone } from "./zones.ts";

/** A box to draw, in source-frame pixels. */
export interface SnapshotBox {
  label: string;
  score: number;
  box: Box;
  trackId?: number;
}

export interface SnapshotOptions {
  /** JPEG quality 1..100, default 80. */
  quality?: number;
  /** A caption in the top-left corner (e.g. area and time). */
  caption?: string;
}

const PALETTE = ["#ff4136", "#2ecc40", "#0074d9", "#ffdc00", "#b10dc9", "#ff851b", "#39cccc", "#f012be"];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** The SVG overlay (exported for tests): zones as dashed polygons, boxes as rectangles with a label tag. */
export function overlaySvg(width: number, height: number, boxes: readonly SnapshotBox[], zones: readonly Zone[], caption?: string): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 240));
  const font = Math.max(12, Math.round(height / 30));
  const parts: string[] = [];
  for (const zone of zones) {
    const points = zone.polygon.map(([x, y]) => `${(x * width).toFixed(1)},${(y * height).toFixed(1)}`).join(" ");
    const [lx, ly] = zone.polygon[0]!;
    parts.push(`<polygon points="${points}" fill="#00bfff" fill-opacity="0.08" stroke="#00bfff" stroke-width="${stroke}" stroke-dasharray="${stroke * 4},${stroke * 3}"/>`);
    parts.push(`<text x="${(lx * width + stroke * 2).toFixed(1)}" y="${(ly * height + font + stroke * 2).toFixed(1)}" fill="#00bfff" font-family="sans-serif" font-size="${font}">${escapeXml(`${zone.name} (${zone.area})`)}</text>`);
  }
  for (const b of boxes) {
    const color = PALETTE[(b.trackId ?? 0) % PALETTE.length]!;
    const { x1, y1, x2, y2 } = b.box;
    const tag = `${b.label}${b.trackId !== undefined ? ` #${b.trackId}` : ""} ${Math.round(b.score * 100)}%`;
    const tagWidth = Math.round(tag.length * font * 0.6 + stroke * 2);
    const tagY = y1 >= font + stroke * 2 ? y1 - font - stroke * 2 : y1;
    parts.push(`<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" height="${(y2 - y1).toFixed(1)}" fill="none" stroke="${color}" stroke-width="${stroke}"/>`);
    parts.push(`<rect x="${x1.toFixed(1)}" y="${tagY.toFixed(1)}" width="${tagWidth}" height="${font + stroke * 2}" fill="${color}"/>`);
    parts.push(`<text x="${(x1 + stroke).toFixed(1)}" y="${(tagY + font).toFixed(1)}" fill="#000" font-family="sans-serif" font-size="${font}">${escapeXml(tag)}</text>`);
  }
  if (caption) {
    parts.push(`<rect x="0" y="${height - font - stroke * 3}" width="${Math.round(caption.length * font * 0.6 + stroke * 4)}" height="${font + stroke * 3}" fill="#000" fill-opacity="0.6"/>`);
    parts.push(`<text x="${stroke * 2}" y="${height - stroke * 2}" fill="#fff" font-family="sans-serif" font-size="${font}">${escapeXml(caption)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join("")}</svg>`;
}

/**
 * Render the frame with boxes and zones as a JPEG.
 * @throws Error when the frame's buffer does not match its size.
 */
export async function renderSnapshot(frame: RgbImage, boxes: readonly SnapshotBox[], zones: readonly Zone[], options: SnapshotOptions = {}): Promise<Buffer> {
  assertRgbImage(frame, "snapshot frame");
  const svg = overlaySvg(frame.width, frame.height, boxes, zones, options.caption);
  return sharp(frame.rgb, { raw: { width: frame.width, height: frame.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: options.quality ?? 80 })
    .toBuffer();
}

/**
 * The picture a snapshot is drawn on: the full frame when the camera delivers
 * it, else the detector's letterboxed copy without its padding (BGR turned to
 * RGB), with the factors that map source-frame boxes onto it.
 * @throws Error when the frame carries neither picture.
 */
export function snapshotPicture(frame: SizedImage & { letterboxed?: LetterboxedImage }): { image: RgbImage; scaleX: number; scaleY: number } {
  if (frame.rgb) return { image: { rgb: frame.rgb, width: frame.width, height: frame.height }, scaleX: 1, scaleY: 1 };
  if (!frame.letterboxed) throw new Error(`snapshot: the ${frame.width}x${frame.height} frame carries no picture`);
  const { bgr, geometry } = frame.letterboxed;
  const { size, scaledWidth: w, scaledHeight: h } = geometry;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0, src = y * size * 3, dst = y * w * 3; x < w; x++, src += 3, dst += 3) {
      rgb[dst] = bgr[src + 2]!;
      rgb[dst + 1] = bgr[src + 1]!;
      rgb[dst + 2] = bgr[src]!;
    }
  }
  return { image: { rgb, width: w, height: h }, scaleX: geometry.scaleX, scaleY: geometry.scaleY };
}
