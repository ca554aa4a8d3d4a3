/** ULFD face detection on the real pictures in ../shared/data/images, paired with YOLOX people. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { facingPeople } from "../../../agent/vision/facing.ts";
import { YoloxDetector } from "../../../models/detector/yolox.ts";
import { FaceDetector, faceInput } from "../../../models/face/ulfd.ts";

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, "../../../../shared");
const images = join(shared, "data/images");
let faces: FaceDetector | undefined;
let people: YoloxDetector | undefined;

before(async () => {
  if (!existsSync(images)) return;
  process.env.HEARTH_MODEL_DIR = join(shared, "models");
  faces = await FaceDetector.load();
  people = await YoloxDetector.load({ labels: ["person"], scoreThreshold: 0.4 });
});

async function load(name: string) {
  const { data, info } = await sharp(join(images, name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

test("input is the picture stretched to 320×240, RGB planes, (x − 127) / 128", () => {
  const rgb = new Uint8Array(2 * 2 * 3).fill(255);
  rgb[0] = 127; // top-left red
  const input = faceInput({ rgb, width: 2, height: 2 });
  assert.equal(input.length, 3 * 320 * 240);
  assert.equal(input[0], 0); // red plane, top-left: (127 − 127) / 128
  assert.equal(input[320 * 240], 1); // green plane: (255 − 127) / 128
  assert.equal(input[320 * 240 - 1], 1);
});

test("faces a person sees are found; faces without a body (cat, book cover) are dropped by pairing with people", async (t) => {
  if (!faces || !people) return t.skip("../shared absent: no images or models");
  const bikes = await load("coco_000000038829.jpg");
  const bikeFaces = await faces.detect(bikes);
  // The two boys on the bicycle face the camera (one in profile); the man on the right is small but visible.
  assert.ok(bikeFaces.length >= 2, JSON.stringify(bikeFaces));
  const paired = facingPeople(bikeFaces, await people.detect(bikes), bikes.height);
  assert.equal(paired.length, bikeFaces.length, "every face there belongs to a person");
  // "Close": faces at least 6 % of the frame height — the two boys, not the man far right.
  assert.equal(facingPeople(bikeFaces, await people.detect(bikes), bikes.height, 0.06).length, 2);

  const crowd = await load("coco_000000288685.jpg");
  assert.ok((await faces.detect(crowd)).length >= 8, "spectators' faces");

  const cat = await load("coco_000000574315.jpg");
  const catFaces = await faces.detect(cat);
  assert.ok(catFaces.length >= 1, "ULFD takes the cat's face for a face");
  assert.deepEqual(facingPeople(catFaces, await people.detect(cat), cat.height), []);
  const book = await load("coco_000000348481.jpg");
  const bookFaces = await faces.detect(book);
  assert.ok(bookFaces.length >= 1, "the face printed on the book cover");
  assert.deepEqual(facingPeople(bookFaces, await people.detect(book), book.height), []);

  for (const name of ["coco_000000215245.jpg", "darknet_horses.jpg", "darknet_dog.jpg", "coco_000000301421.jpg"]) {
    assert.deepEqual(await faces.detect(await load(name)), [], name);
  }
});
