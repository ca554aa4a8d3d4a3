import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { calibrateDetector, readLabels } from "../../calibration/detector-threshold.ts";

const here = dirname(fileURLToPath(import.meta.url));
const images = join(here, "../../../shared/data/images");
const models = join(here, "../../../shared/models");
const labels = join(here, "../fixtures/images-people.json");

test("the person threshold is calibrated on the hand-labelled images", async (t) => {
  if (!existsSync(images) || !existsSync(join(models, "yolox_nano.onnx"))) return t.skip("../shared absent: ../shared/data/images and ../shared/models");
  const result = await calibrateDetector({ labels, imagesDir: images, modelPath: join(models, "yolox_nano.onnx") });
  assert.equal(result.positives, 6);
  assert.equal(result.negatives, 8);
  for (let i = 1; i < result.points.length; i++) {
    assert.ok(result.points[i]!.detection_rate <= result.points[i - 1]!.detection_rate, "detection falls as the threshold rises");
    assert.ok(result.points[i]!.false_accepts <= result.points[i - 1]!.false_accepts, "false accepts fall as the threshold rises");
  }
  // Every labelled person is found at a moderate threshold with no person in the empty pictures.
  const proposed = result.proposed!;
  assert.equal(proposed.false_accepts, 0);
  assert.equal(proposed.detection_rate, 1);
  assert.ok(proposed.threshold >= 0.3 && proposed.threshold <= 0.8, `threshold ${proposed.threshold}`);
  const darknet = result.images.find((i) => i.image === "darknet_person.jpg")!;
  assert.ok(darknet.positive && darknet.best_score > proposed.threshold);
});

test("a malformed labels file is refused with its name and entry", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-labels-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "labels.json");
  writeFileSync(file, JSON.stringify({ counts: [{ image: "a.jpg", people: 1 }, { image: "b.jpg" }] }));
  assert.throws(() => readLabels(file), /labels\.json: counts\[1\] needs "image" and "people"/);
  writeFileSync(file, "{");
  assert.throws(() => readLabels(file), /labels\.json: cannot read labels/);
});
