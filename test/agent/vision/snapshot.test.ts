import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { overlaySvg, renderSnapshot } from "../../../agent/vision/snapshot.ts";

const here = dirname(fileURLToPath(import.meta.url));
const picture = join(here, "../../../../shared/data/images/darknet_person.jpg");

test("the overlay names zones and boxes and escapes text", () => {
  const svg = overlaySvg(100, 50, [{ label: "person", score: 0.876, box: { x1: 10, y1: 5, x2: 40, y2: 45 }, trackId: 3 }], [{ name: "sofa & chair", area: "Living <Room>", polygon: [[0, 0], [0.5, 0], [0.5, 1]] }], "cam t=1.0s");
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="100" height="50">/);
  assert.match(svg, /points="0.0,0.0 50.0,0.0 50.0,50.0"/);
  assert.match(svg, />sofa &amp; chair \(Living &lt;Room&gt;\)</);
  assert.match(svg, /<rect x="10.0" y="5.0" width="30.0" height="40.0" fill="none" stroke="#ffdc00"/);
  assert.match(svg, />person #3 88%</);
  assert.match(svg, />cam t=1.0s</);
});

test("a snapshot of a real picture is a JPEG of the frame's size with the box drawn on it", async (t) => {
  if (!existsSync(picture)) return t.skip("../shared absent: no picture");
  const { data, info } = await sharp(picture).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  // Track id 0 draws in the first palette colour, #ff4136 (red).
  const jpeg = await renderSnapshot(frame, [{ label: "person", score: 0.88, box: { x1: 188, y1: 97, x2: 276, y2: 372 }, trackId: 0 }], [], { quality: 95 });
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  assert.equal(decoded.info.width, info.width);
  assert.equal(decoded.info.height, info.height);
  const px = (buf: Buffer, x: number, y: number) => [...buf.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
  const [r, g, b] = px(decoded.data, 188, 250); // on the left edge of the box
  const [r0, g0] = px(data, 188, 250);
  // JPEG chroma subsampling softens a 2 px line; red must clearly dominate where the field was yellow-brown.
  assert.ok(r! - g! > 80 && r0! - g0! < 50 && b! < 120, `box edge is red: ${[r, g, b]} (was ${px(data, 188, 250)})`);
  // Far from any drawing the picture is unchanged (within JPEG error).
  const before = px(data, 500, 60);
  const after = px(decoded.data, 500, 60);
  before.forEach((v, i) => assert.ok(Math.abs(v - after[i]!) < 12, `${before} vs ${after}`));
});

test("a frame whose buffer does not match its size is refused", async () => {
  await assert.rejects(renderSnapshot({ rgb: new Uint8Array(5), width: 2, height: 2 }, [], []), /snapshot frame: rgb buffer has 5 bytes, expected 2x2x3 = 12/);
});
