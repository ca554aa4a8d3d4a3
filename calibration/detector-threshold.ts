/**
 * Detector score-threshold calibration from labelled images: run the live
 * detector (models/detector, YOLOX) with a low floor, then for each candidate
 * threshold count the labelled positive images where the label is detected (and,
 * where hand-drawn boxes exist, matched at IoU ≥ 0.5) and the negative images
 * where it is falsely detected. The proposal is the best detection rate within the
 * false-accept budget (per negative image).
 *
 * Labels file (the vision fixture format, test/fixtures/images-people.json):
 *   { "counts": [{ "image": "a.jpg", "people": 1 } | { "image": "b.jpg", "min": 4, "max": 7 }, ...],
 *     "boxes":  [{ "image": "a.jpg", "label": "person", "box": [x1, y1, x2, y2] }, ...] }
 * `people` (or `count`) counts objects of the calibrated label; 0 marks a negative image.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { iou, type Detection } from "../models/detector/box.ts";
import { YoloxDetector } from "../models/detector/yolox.ts";
import { proposeOperatingPoint, type OperatingPoint } from "./threshold-curve.ts";

export const DETECTOR_THRESHOLDS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

interface LabelsFile {
  counts: Array<{ image: string; people?: number; count?: number; min?: number; max?: number }>;
  boxes?: Array<{ image: string; label: string; box: [number, number, number, number] }>;
}

/** One labelled image and the detector's raw (low-floor) detections of the label. */
export interface LabelledImage {
  image: string;
  positive: boolean;
  boxes: Array<{ x1: number; y1: number; x2: number; y2: number }>;
  detections: Detection[];
}

export interface DetectorCalibration {
  label: string;
  positives: number;
  negatives: number;
  max_false_accept_rate: number;
  points: OperatingPoint[];
  proposed?: OperatingPoint;
  images: Array<{ image: string; positive: boolean; best_score: number }>;
}

/**
 * Parse a labels file. @throws Error naming the file and the entry when it is malformed.
 */
export function readLabels(path: string): LabelsFile {
  let doc: LabelsFile;
  try {
    doc = JSON.parse(readFileSync(path, "utf8")) as LabelsFile;
  } catch (err) {
    throw new Error(`${path}: cannot read labels (${(err as Error).message})`);
  }
  if (!Array.isArray(doc.counts) || !doc.counts.length) throw new Error(`${path}: "counts" must be a non-empty array`);
  doc.counts.forEach((c, i) => {
    const n = c.people ?? c.count ?? c.min;
    if (typeof c.image !== "string" || typeof n !== "number") throw new Error(`${path}: counts[${i}] needs "image" and "people" (or "count", or "min"/"max")`);
  });
  return doc;
}

/** Whether `image` counts as detected at `threshold`: a detection above it, matching a hand box when there are any. */
function detected(image: LabelledImage, threshold: number): boolean {
  const above = image.detections.filter((d) => d.score >= threshold);
  if (!image.boxes.length) return above.length > 0;
  return above.some((d) => image.boxes.some((b) => iou(d.box, b) >= 0.5));
}

/** Sweep thresholds over already-detected labelled images. */
export function sweepDetector(images: LabelledImage[], thresholds = DETECTOR_THRESHOLDS): OperatingPoint[] {
  const positives = images.filter((i) => i.positive);
  const negatives = images.filter((i) => !i.positive);
  return thresholds.map((threshold) => {
    const falseAccepts = negatives.filter((i) => i.detections.some((d) => d.score >= threshold)).length;
    return {
      threshold,
      patience: 1,
      detection_rate: positives.length ? positives.filter((i) => detected(i, threshold)).length / positives.length : 0,
      false_accepts: falseAccepts,
      fa_rate: negatives.length ? falseAccepts / negatives.length : 0,
    };
  });
}

/**
 * Detect and sweep.
 * @throws Error naming the file for unreadable labels or images; Error for an unknown label.
 */
export async function calibrateDetector(options: { labels: string; imagesDir: string; label?: string; maxFalseAcceptRate?: number; modelPath?: string }): Promise<DetectorCalibration> {
  const label = options.label ?? "person";
  const labels = readLabels(options.labels);
  const detector = await YoloxDetector.load({ labels: [label], scoreThreshold: Math.min(...DETECTOR_THRESHOLDS), modelPath: options.modelPath });
  const images: LabelledImage[] = [];
  try {
    for (const entry of labels.counts) {
      const path = join(options.imagesDir, entry.image);
      let decoded;
      try {
        decoded = await sharp(path).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
      } catch (err) {
        throw new Error(`${path}: cannot decode image (${(err as Error).message})`);
      }
      const detections = await detector.detect({ rgb: decoded.data, width: decoded.info.width, height: decoded.info.height });
      const boxes = (labels.boxes ?? []).filter((b) => b.image === entry.image && b.label === label).map(({ box: [x1, y1, x2, y2] }) => ({ x1, y1, x2, y2 }));
      images.push({ image: entry.image, positive: (entry.people ?? entry.count ?? entry.min ?? 0) > 0, boxes, detections });
    }
  } finally {
    await detector.close();
  }
  const points = sweepDetector(images);
  const budget = options.maxFalseAcceptRate ?? 0;
  return {
    label,
    positives: images.filter((i) => i.positive).length,
    negatives: images.filter((i) => !i.positive).length,
    max_false_accept_rate: budget,
    points,
    proposed: proposeOperatingPoint(points, budget),
    images: images.map((i) => ({ image: i.image, positive: i.positive, best_score: Math.max(0, ...i.detections.map((d) => d.score)) })),
  };
}
