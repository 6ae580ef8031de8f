/** Box arithmetic shared by the detectors, the policies and the tracker. */
import type { Box } from '../../datasets/sample.js';

export function clipBox(b: Box, width: number, height: number): Box {
  const x = Math.min(Math.max(b.x, 0), width);
  const y = Math.min(Math.max(b.y, 0), height);
  return { x, y, width: Math.min(b.x + b.width, width) - x, height: Math.min(b.y + b.height, height) - y };
}

export function area(b: Box): number {
  return Math.max(0, b.width) * Math.max(0, b.height);
}

/**
 * Intersection over union; 0 when the boxes do not overlap. `plusOne` counts pixels inclusively, as
 * insightface's and Faster R-CNN's NMS do (a box from x1 to x2 is x2 − x1 + 1 wide).
 */
export function iou(a: Box, b: Box, plusOne = false): number {
  const p = plusOne ? 1 : 0;
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) + p;
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) + p;
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.width + p) * (a.height + p) + (b.width + p) * (b.height + p) - inter);
}

/** Boxes scaled by `s` (e.g. from a downscaled frame back to the clip's pixels). */
export function scaleBox(b: Box, s: number): Box {
  return { x: b.x * s, y: b.y * s, width: b.width * s, height: b.height * s };
}

/**
 * Greedy non-maximum suppression over items sorted best first: keeps an item unless it overlaps a kept
 * one by more than `threshold` IoU. Returns the kept items in order.
 */
export function nms<T extends { box: Box }>(sorted: readonly T[], threshold: number, plusOne = false): T[] {
  const kept: T[] = [];
  for (const item of sorted) if (kept.every((k) => iou(k.box, item.box, plusOne) <= threshold)) kept.push(item);
  return kept;
}
