/**
 * Class-aware greedy non-maximum suppression: boxes are visited by falling
 * score and a box is dropped when it overlaps (IoU above the threshold) a kept
 * box of the same class — the `batched_nms` that YOLOX's postprocess uses.
 */
import { iou, type Box } from "./box.ts";

/**
 * Keep the locally best boxes per class.
 * @param iouThreshold boxes of one class with IoU strictly above this are duplicates.
 * @param maxKeep stop after this many kept boxes.
 * @returns the kept items, highest score first (a new array; input untouched).
 */
export function nonMaxSuppression<T extends { classId: number; score: number; box: Box }>(items: readonly T[], iouThreshold: number, maxKeep = 300): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length >= maxKeep) break;
    if (kept.some((k) => k.classId === item.classId && iou(k.box, item.box) > iouThreshold)) continue;
    kept.push(item);
  }
  return kept;
}
