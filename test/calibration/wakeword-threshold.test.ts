import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { audioFiles, calibrateWakeWord } from "../../calibration/wakeword-threshold.ts";

const wakeword = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/data/wakeword");

/** A temporary folder linking the first `count` recordings of `from` (keeps the test short). */
function subset(root: string, name: string, from: string, count: number): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(from).filter((f) => f.endsWith(".flac")).sort().slice(0, count)) symlinkSync(join(from, f), join(dir, f));
  return dir;
}

test("wake-word thresholds are swept on real alexa and negative clips", async (t) => {
  if (!existsSync(join(wakeword, "alexa"))) return t.skip("../shared absent: ../shared/data/wakeword");
  const root = mkdtempSync(join(tmpdir(), "hearth-wake-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const positive = subset(root, "pos", join(wakeword, "alexa"), 6);
  const negative = join(root, "neg");
  subset(negative, "computer", join(wakeword, "negative/computer"), 4);
  subset(negative, "jarvis", join(wakeword, "negative/jarvis"), 4);
  assert.equal(audioFiles(negative).length, 8, "negative folders are searched recursively");

  let progress = 0;
  const result = await calibrateWakeWord({ positiveDir: positive, negativeDir: negative, thresholds: [0.2, 0.5, 0.9], patiences: [1, 3], progress: () => progress++ });
  assert.equal(progress, 14);
  assert.equal(result.model, "alexa");
  assert.equal(result.positives, 6);
  assert.equal(result.negatives, 8);
  assert.ok(result.negative_hours > 0 && result.negative_hours < 0.01);
  assert.equal(result.fa_resolution_per_hour, 1 / result.negative_hours);
  assert.equal(result.points.length, 6);
  const at = (threshold: number, patience: number) => result.points.find((p) => p.threshold === threshold && p.patience === patience)!;
  assert.ok(at(0.5, 1).detection_rate >= 0.8, `alexa detected at 0.5: ${at(0.5, 1).detection_rate}`);
  assert.ok(at(0.9, 1).detection_rate <= at(0.5, 1).detection_rate && at(0.5, 3).detection_rate <= at(0.5, 1).detection_rate);
  assert.ok(at(0.9, 1).false_accepts <= at(0.2, 1).false_accepts);
  for (const p of result.points) assert.equal(p.fa_rate, p.false_accepts / result.negative_hours);
  if (result.proposed) assert.ok(result.proposed.fa_rate <= result.target_fa_per_hour);
});

test("a folder without audio is refused with its path", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-wake-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => audioFiles(dir), new RegExp(`${dir}: no audio files`));
  assert.throws(() => audioFiles(join(dir, "absent")), /absent: not a readable directory/);
});
