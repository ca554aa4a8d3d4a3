import assert from "node:assert/strict";
import { test } from "node:test";
import { AudioRingBuffer } from "../../../agent/audio/ring-buffer.ts";

const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

test("keeps the newest samples, addressed by stream index, across wrap-around", () => {
  const ring = new AudioRingBuffer(10);
  ring.write(ramp(0, 7));
  ring.write(ramp(7, 7)); // 14 written, 4..13 held
  assert.equal(ring.written, 14);
  assert.deepEqual(ring.slice(0, 100), { start: 4, samples: ramp(4, 10) });
  assert.deepEqual(ring.slice(6, 9), { start: 6, samples: ramp(6, 3) });
  ring.write(ramp(14, 25)); // larger than the capacity
  assert.deepEqual(ring.slice(0, 1000), { start: 29, samples: ramp(29, 10) });
  assert.deepEqual(ring.slice(50, 60).samples.length, 0);
});
