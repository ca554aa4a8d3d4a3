/**
 * `cameras[].labels`: the labels a camera keeps, with Frigate-style per-label
 * min_score / min_area / max_area, checked in the config and applied to real
 * YOLOX detections of the dog picture (dog, bicycle, car) before tracking.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../../agent/config/load.ts";
import { Coverage } from "../../../agent/vision/coverage.ts";
import { filterDetections } from "../../../agent/vision/label-filters.ts";
import { LiveAnswers } from "../../../agent/vision/live-answers.ts";
import { Sightings } from "../../../agent/vision/sightings.ts";
import { YoloxDetector } from "../../../models/detector/yolox.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";
import { camera, detection, picture, SceneCamera } from "../../helpers/vision-scene.ts";

test("labels as a list or with filters fold into the detector settings; bad labels and sizes are named", () => {
  const list = camera({ name: "a", area: "A", labels: ["person", "cat"] });
  assert.deepEqual(list.detector.labels, ["person", "cat"]);
  assert.deepEqual(list.label_filters, { person: {}, cat: {} });
  const filtered = camera({ name: "b", area: "B", detector: { thresholds: { person: 0.3 } }, labels: { person: { min_score: 0.6, min_area: 2000 }, car: { max_area: 0.5 }, cat: null } });
  assert.deepEqual(filtered.detector.labels, ["person", "car", "cat"]);
  assert.deepEqual(filtered.detector.thresholds, { person: 0.6 });
  assert.deepEqual(filtered.label_filters, { person: { min_score: 0.6, min_area: 2000 }, car: { max_area: 0.5 }, cat: {} });
  assert.deepEqual(camera({ name: "c", area: "C" }).detector.labels, ["person"], "without labels the detector's stay");
  try {
    parseConfig({ cameras: [{ name: "x", file: "x.mp4", area: "X", labels: { persn: {}, dog: { min_area: 500, max_area: 100 }, cat: { min_score: 2 } } }] });
    assert.fail("should not validate");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const errors = e.errors.join("\n");
    assert.match(errors, /cameras\.0\.labels\.persn: "persn" is not a COCO label/);
    assert.match(errors, /cameras\.0\.labels\.dog: min_area is larger than max_area/);
    assert.match(errors, /cameras\.0\.labels\.cat\.min_score: /);
  }
});

test("filters by score and by box area in pixels or as a fraction of the frame", () => {
  const small = detection("person", { x1: 0, y1: 0, x2: 40, y2: 40 }, 0.9); // 1600 px
  const big = detection("person", { x1: 0, y1: 0, x2: 100, y2: 100 }, 0.5); // 10000 px
  const car = detection("car", { x1: 0, y1: 0, x2: 800, y2: 400 }, 0.9); // 320000 px = 0.5 of 800×800
  assert.deepEqual(filterDetections([small, big, car], { person: { min_area: 2000 } }, 800, 800), [big, car]);
  assert.deepEqual(filterDetections([small, big, car], { person: { min_score: 0.6 } }, 800, 800), [small, car]);
  assert.deepEqual(filterDetections([small, big, car], { car: { max_area: 0.4 } }, 800, 800), [small, big]);
  assert.deepEqual(filterDetections([small, big, car], { car: { max_area: 0.6 } }, 800, 800), [small, big, car]);
});

test("on the dog picture: a size filter drops the bicycle, a score filter the car; the dog is seen", { timeout: 120_000 }, async (t) => {
  const missing = sharedDataMissing();
  if (missing) return t.skip(missing);
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  // YOLOX-Nano finds the dog (0.86, 194×336 px), the bicycle (0.80, a third of the 768×576 picture) and the car (0.80).
  const garden = camera({ name: "garden", area: "Garden", labels: { dog: {}, bicycle: { max_area: 0.3 }, car: { min_score: 0.9 } } });
  const detector = await YoloxDetector.load({ labels: garden.detector.labels, scoreThreshold: garden.detector.score_threshold });
  try {
    const dog = await picture("darknet_dog.jpg");
    const raw = await detector.detect(dog);
    assert.deepEqual(raw.filter((d) => d.score >= 0.5).map((d) => d.label).sort(), ["bicycle", "car", "dog"], "the unfiltered detections");
    const sightings = new Sightings();
    await new SceneCamera(garden, detector, sightings).play(dog, 4);
    assert.equal(new LiveAnswers(Coverage.fromConfig([garden]), sightings).scene({ area: "Garden" }), "In the garden I see a dog.");
  } finally {
    await detector.close();
  }
});
