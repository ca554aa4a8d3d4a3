/**
 * YOLOX-Nano on the real COCO/darknet pictures in ../shared/data/images
 * against counts and boxes a person made by looking (test/fixtures/images-people.json).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { iou } from "../../../models/detector/box.ts";
import { YoloxDetector, cocoClassIds } from "../../../models/detector/yolox.ts";

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, "../../../../shared");
const images = join(shared, "data/images");
const fixture = JSON.parse(readFileSync(join(here, "../../fixtures/images-people.json"), "utf8")) as {
  counts: { image: string; people?: number; min?: number; max?: number }[];
  boxes: { image: string; label: string; box: [number, number, number, number] }[];
};
/** The pipeline's tracker starts a track at this score (trackerSettingsSchema.high_score): "seen". */
const SEEN = 0.4;

let detector: YoloxDetector | undefined;
before(async () => {
  if (!existsSync(images)) return;
  process.env.HEARTH_MODEL_DIR = join(shared, "models");
  detector = await YoloxDetector.load({ scoreThreshold: SEEN });
});

async function load(name: string) {
  const { data, info } = await sharp(join(images, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

test("people per image match a human count", async (t) => {
  if (!detector) return t.skip("../shared absent: no images or model to test with");
  const wrong: string[] = [];
  for (const c of fixture.counts) {
    const found = (await detector.detect(await load(c.image))).filter((d) => d.label === "person").length;
    const ok = c.people !== undefined ? found === c.people : found >= c.min! && found <= c.max!;
    if (!ok) wrong.push(`${c.image}: ${found} people detected, a person counts ${c.people ?? `${c.min}..${c.max}`}`);
  }
  assert.deepEqual(wrong, []);
});

test("hand-labelled boxes are found with IoU ≥ 0.5 and the same label", async (t) => {
  if (!detector) return t.skip("../shared absent: no images or model to test with");
  for (const hand of fixture.boxes) {
    const [x1, y1, x2, y2] = hand.box;
    const detections = await detector.detect(await load(hand.image));
    const best = Math.max(0, ...detections.filter((d) => d.label === hand.label).map((d) => iou(d.box, { x1, y1, x2, y2 })));
    assert.ok(best >= 0.5, `${hand.image} ${hand.label} [${hand.box}]: best IoU ${best.toFixed(2)}`);
  }
});

test("boxes are in source pixels for a portrait image (letterbox scale undone)", async (t) => {
  if (!detector) return t.skip("../shared absent: no images or model to test with");
  const image = await load("coco_000000419312.jpg"); // 375×500
  const detections = await detector.detect(image);
  assert.ok(detections.length > 0);
  for (const d of detections) {
    assert.ok(d.box.x1 >= 0 && d.box.x2 <= 375 && d.box.y1 >= 0 && d.box.y2 <= 500, JSON.stringify(d));
    assert.ok(d.box.x2 > d.box.x1 && d.box.y2 > d.box.y1);
  }
});

test("the label filter keeps only the asked labels; unknown labels are refused by name", async (t) => {
  if (!detector) return t.skip("../shared absent: no images or model to test with");
  const people = await YoloxDetector.load({ labels: ["person"], scoreThreshold: SEEN });
  const found = await people.detect(await load("darknet_person.jpg"));
  assert.deepEqual([...new Set(found.map((d) => d.label))], ["person"]);
  await people.close();
  assert.throws(() => cocoClassIds(["person", "human"]), /unknown detector label\(s\) "human"/);
});
