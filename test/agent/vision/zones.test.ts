import assert from "node:assert/strict";
import { test } from "node:test";
import { cameraZones, footPoint, pointInPolygon, zonesContaining, WHOLE_FRAME } from "../../../agent/vision/zones.ts";

const square: [number, number][] = [[0.2, 0.2], [0.6, 0.2], [0.6, 0.6], [0.2, 0.6]];
// An L shape: the notch (0.5..1, 0.5..1) is outside.
const ell: [number, number][] = [[0, 0], [1, 0], [1, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]];

test("point in polygon: inside, outside, concave notch", () => {
  assert.equal(pointInPolygon(0.4, 0.4, square), true);
  assert.equal(pointInPolygon(0.1, 0.4, square), false);
  assert.equal(pointInPolygon(0.7, 0.7, square), false);
  assert.equal(pointInPolygon(0.25, 0.75, ell), true);
  assert.equal(pointInPolygon(0.75, 0.25, ell), true);
  assert.equal(pointInPolygon(0.75, 0.75, ell), false);
});

test("points on an edge or a corner count as inside (feet on the image's bottom row)", () => {
  assert.equal(pointInPolygon(0.5, 1, WHOLE_FRAME), true);
  assert.equal(pointInPolygon(1, 1, WHOLE_FRAME), true);
  assert.equal(pointInPolygon(0.6, 0.4, square), true);
  assert.equal(pointInPolygon(0.5, 1.01, WHOLE_FRAME), false);
});

test("an object is where its bottom-centre is", () => {
  // 200×100 frame, box x 20..60, y 10..50: foot at (40/200, 50/100) = (0.2, 0.5).
  assert.deepEqual(footPoint({ x1: 20, y1: 10, x2: 60, y2: 50 }, 200, 100), [0.2, 0.5]);
  const zones = [
    { name: "sofa", area: "Living Room", polygon: [[0, 0.4], [0.5, 0.4], [0.5, 1], [0, 1]] as [number, number][] },
    { name: "door", area: "Hall", polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] as [number, number][] },
  ];
  // Head in the door zone, feet on the sofa side: counts for the living room only.
  assert.deepEqual(zonesContaining({ x1: 60, y1: 0, x2: 120, y2: 90 }, 200, 100, zones).map((z) => z.name), ["sofa"]);
  assert.deepEqual(zonesContaining({ x1: 120, y1: 0, x2: 180, y2: 90 }, 200, 100, zones).map((z) => z.name), ["door"]);
  assert.deepEqual(zonesContaining({ x1: 0, y1: 0, x2: 60, y2: 30 }, 200, 100, zones).map((z) => z.name), []);
});

test("without zones the whole frame is one zone in the camera's area", () => {
  assert.deepEqual(cameraZones("Kitchen"), [{ name: "Kitchen", area: "Kitchen", polygon: WHOLE_FRAME }]);
  const zones = [{ name: "a", area: "Hall", polygon: square }];
  assert.deepEqual(cameraZones("Kitchen", zones), zones);
});
