import assert from "node:assert/strict";
import { before, test } from "node:test";
import { decodeFile } from "../../../agent/audio/file-source.ts";
import { wakeWordLevelSchema } from "../../../agent/config/wakeword.ts";
import { LevelNormalizer, toDbfs } from "../../../models/wakeword/level.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";

const missing = sharedDataMissing();
const defaults = wakeWordLevelSchema.parse({});
const FRAME = 1280;
let quiet: Int16Array; // alexa_034: peaks at 0.095 of full scale (−20.4 dBFS)
let hot: Int16Array; // alexa_052: peaks at full scale

before(async () => {
  if (missing) return;
  quiet = await decodeFile(sharedData("wakeword", "alexa", "alexa_034.flac"));
  hot = await decodeFile(sharedData("wakeword", "alexa", "alexa_052.flac"));
});

/** Amplify by `db` and hard-clip at int16 full scale, as a hot input records it. */
const clipped = (pcm: Int16Array, db: number) => Int16Array.from(pcm, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 10 ** (db / 20)))));

/** Frame by frame through one normaliser: the output and the gain after each frame. */
function normalise(pcm: Int16Array, options = defaults): { out: Float32Array; gains: number[] } {
  const n = new LevelNormalizer(options);
  const out = new Float32Array(pcm.length - (pcm.length % FRAME));
  const gains: number[] = [];
  for (let i = 0; i + FRAME <= pcm.length; i += FRAME) {
    n.process(pcm.subarray(i, i + FRAME), out.subarray(i, i + FRAME));
    gains.push(n.gainDb);
  }
  return { out, gains };
}
function peakDbfs(x: ArrayLike<number>): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!));
  return toDbfs(peak);
}

test("speech below the target peak passes unchanged: the normaliser never amplifies", { skip: missing }, () => {
  assert.ok(peakDbfs(quiet) < defaults.target_peak_dbfs);
  const { out, gains } = normalise(quiet);
  assert.deepEqual(Array.from(out), Array.from(quiet.subarray(0, out.length)));
  assert.ok(gains.every((g) => g === 0));
});

test("a recording +12 or +24 dB and hard-clipped comes out at the target peak, with a gain that holds over the word", { skip: missing }, () => {
  for (const db of [12, 24]) {
    const loud = clipped(hot, db);
    assert.ok(peakDbfs(loud) > -0.01, "the input reaches full scale");
    const { out, gains } = normalise(loud);
    // At the first full-scale frame the gain is target − 0 dBFS.
    const settled = gains.findIndex((g) => Math.abs(g - defaults.target_peak_dbfs) < 0.01);
    assert.ok(settled >= 0, `+${db} dB: gains ${gains.map((g) => g.toFixed(1))}`);
    // Every frame: its samples get a gain between the previous frame's and its own (the ramp), so its output peak
    // is at most its input peak plus the larger of the two; a frame at full scale ends at the target exactly.
    for (let f = settled + 1; f < gains.length; f++) {
      const input = peakDbfs(loud.subarray(f * FRAME, (f + 1) * FRAME));
      const output = peakDbfs(out.subarray(f * FRAME, (f + 1) * FRAME));
      assert.ok(output <= input + Math.max(gains[f - 1]!, gains[f]!) + 0.01, `+${db} dB, frame ${f}: ${input} → ${output}`);
      if (input > -0.01) assert.ok(Math.abs(gains[f]! - defaults.target_peak_dbfs) < 0.01, `+${db} dB, frame ${f}: gain ${gains[f]}`);
    }
    assert.ok(Math.abs(peakDbfs(out.subarray((settled + 1) * FRAME)) - defaults.target_peak_dbfs) < 1, "loud frames come out near the target");
    // Slow release: the gain rises by at most release_db_per_s over the rest of the clip.
    const seconds = ((gains.length - settled) * FRAME) / 16_000;
    assert.ok(Math.max(...gains.slice(settled)) - gains[settled]! <= defaults.release_db_per_s * seconds + 0.01);
    // Within a frame the gain ramps from the previous frame's value and reaches the frame's own at its last sample.
    const last = (settled + 1) * FRAME - 1;
    assert.ok(Math.abs(20 * Math.log10(out[last]! / loud[last]!) - gains[settled]!) < 0.01);
  }
});

test("disabled, frames pass unchanged; bad options name the field", { skip: missing }, () => {
  const loud = clipped(hot, 12);
  assert.deepEqual(Array.from(normalise(loud, { ...defaults, enabled: false }).out), Array.from(loud.subarray(0, loud.length - (loud.length % FRAME))));
  assert.throws(() => new LevelNormalizer({ ...defaults, target_peak_dbfs: 3 }), /wakeword\.level\.target_peak_dbfs must be ≤ 0 dBFS, got 3/);
  assert.throws(() => new LevelNormalizer({ ...defaults, release_db_per_s: 0 }), /wakeword\.level\.release_db_per_s must be > 0/);
  assert.throws(() => new LevelNormalizer(defaults).process(new Int16Array(FRAME), new Float32Array(10)), RangeError);
});
