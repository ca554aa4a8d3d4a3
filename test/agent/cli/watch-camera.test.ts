import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { inputKind, watchCamera } from "../../../agent/cli/watch-command.ts";

test("the input's kind comes from its form", () => {
  assert.equal(inputKind("rtsp://user:pw@cam.local/stream1"), "url");
  assert.equal(inputKind("https://cam.local/mjpeg"), "url");
  assert.equal(inputKind("/dev/video0"), "device");
  assert.equal(inputKind("clips/front door.mp4"), "file");
});

test("without a config: area and camera name from the file name, defaults otherwise", () => {
  const camera = watchCamera({ input: "/videos/front door.mp4", fps: 3 });
  assert.equal(camera.file, "/videos/front door.mp4");
  assert.equal(camera.area, "front door");
  assert.equal(camera.name, "front_door");
  assert.equal(camera.fps, 3);
  assert.deepEqual(camera.zones, []);
  assert.equal(watchCamera({ input: "/videos/x.mp4", area: "Hall" }).area, "Hall");
  const stream = watchCamera({ input: "rtsp://cam.local/1" });
  assert.equal(stream.url, "rtsp://cam.local/1");
  assert.equal(stream.area, "camera");
});

test("with a config: the camera reading this input (or the only one) lends zones and thresholds", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-watch-"));
  const one = join(dir, "one.yaml");
  writeFileSync(one, `cameras:\n  - name: porch\n    url: rtsp://porch.local/1\n    area: Porch\n    detector: { labels: [person, dog], score_threshold: 0.5 }\n    zones:\n      - { name: steps, area: Porch, polygon: [[0, 0.5], [1, 0.5], [1, 1]] }\n`);
  const camera = watchCamera({ input: "/videos/test.mp4", config: one });
  assert.equal(camera.name, "porch");
  assert.equal(camera.file, "/videos/test.mp4");
  assert.equal(camera.url, undefined);
  assert.equal(camera.area, "Porch");
  assert.deepEqual(camera.detector.labels, ["person", "dog"]);
  assert.equal(camera.zones[0]!.name, "steps");

  const two = join(dir, "two.yaml");
  writeFileSync(two, `cameras:\n  - { name: a, device: /dev/video0, area: A }\n  - { name: b, device: /dev/video1, area: B }\n`);
  assert.equal(watchCamera({ input: "/dev/video1", config: two }).area, "B");
  assert.throws(() => watchCamera({ input: "/videos/test.mp4", config: two }), /two\.yaml: 2 cameras configured and none reads \/videos\/test\.mp4/);
});
