import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../../agent/config/load.ts";

test("a camera gets its defaults; zones map polygons to areas", () => {
  const config = parseConfig({ cameras: [{ name: "living", device: "/dev/video0", area: "Living Room", zones: [{ name: "sofa", area: "Living Room", polygon: [[0, 0.5], [0.5, 0.5], [0.5, 1]] }] }] });
  const camera = config.cameras[0]!;
  assert.equal(camera.fps, 5);
  assert.deepEqual(camera.detector.labels, ["person"]);
  assert.equal(camera.occupancy.enter_frames, 2);
  assert.equal(camera.occupancy.leave_s, 1);
  assert.equal(camera.zones[0]!.area, "Living Room");
  assert.deepEqual(parseConfig({}).cameras, []);
});

test("camera errors are reported with their paths", () => {
  try {
    parseConfig({ cameras: [{ name: "bad name", url: "ftp://x", file: "a.mp4", area: "", fps: 0, zones: [{ name: "z", area: "A", polygon: [[0, 0], [2, 0]] }], colour: true }] });
    assert.fail("should not validate");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const errors = e.errors.join("\n");
    assert.match(errors, /cameras\.0\.name: letters, digits, _ and - only/);
    assert.match(errors, /cameras\.0\.url: rtsp:\/\//);
    assert.match(errors, /cameras\.0\.area: /);
    assert.match(errors, /cameras\.0\.fps: /);
    assert.match(errors, /cameras\.0\.zones\.0\.polygon: a polygon needs at least 3 points/);
    assert.match(errors, /cameras\.0\.zones\.0\.polygon\.1\.0: /);
    assert.match(errors, /cameras\.0\.colour: unknown key/);
  }
  assert.throws(() => parseConfig({ cameras: [{ name: "x", url: "rtsp://cam/1", file: "a.mp4", area: "A" }] }), /cameras\.0: set exactly one of url, device, file/);
});

test("face detection is off by default; the faces block is checked with its path", () => {
  const off = parseConfig({ cameras: [{ name: "hall", device: "/dev/video0", area: "Hall" }] }).cameras[0]!;
  assert.deepEqual(off.faces, { enabled: false, min_face_height: 0.08, score_threshold: 0.7 });
  const on = parseConfig({ cameras: [{ name: "hall", device: "/dev/video0", area: "Hall", faces: { enabled: true, min_face_height: 0.12 } }] }).cameras[0]!;
  assert.deepEqual(on.faces, { enabled: true, min_face_height: 0.12, score_threshold: 0.7 });
  assert.throws(() => parseConfig({ cameras: [{ name: "hall", device: "/dev/video0", area: "Hall", faces: { enabled: true, min_face_height: 0 } }] }), /cameras\.0\.faces\.min_face_height: /);
  assert.throws(() => parseConfig({ cameras: [{ name: "hall", device: "/dev/video0", area: "Hall", faces: { score_threshold: 1.5 } }] }), /cameras\.0\.faces\.score_threshold: /);
  assert.throws(() => parseConfig({ cameras: [{ name: "hall", device: "/dev/video0", area: "Hall", faces: { enable: true } }] }), /cameras\.0\.faces\.enable: unknown key/);
});
