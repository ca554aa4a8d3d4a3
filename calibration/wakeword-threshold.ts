/**
 * Wake-word threshold calibration: score every positive and negative recording
 * with the openWakeWord pipeline (models/wakeword), then sweep threshold ×
 * patience through the same DetectionGate the agent uses and report, for each,
 * the detection rate on positives and false accepts per hour on negatives; the
 * proposal is the best detection rate within the false-accept budget.
 * Method: openWakeWord's model cards (false-accept / false-reject curves against
 * threshold on held-out positive clips and hours of negative audio).
 */
import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { decodeFile } from "../agent/audio/file-source.ts";
import { wakeWordModelSchema } from "../agent/config/wakeword.ts";
import { DetectionGate } from "../models/wakeword/detection.ts";
import { OpenWakeWordModels } from "../models/wakeword/openwakeword.ts";
import { proposeOperatingPoint, type OperatingPoint } from "./threshold-curve.ts";

const RATE = 16_000;
const FRAME_MS = 80;
const AUDIO_EXTENSIONS = new Set([".flac", ".wav", ".ogg", ".mp3"]);
export const DEFAULT_THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];
export const DEFAULT_PATIENCES = [1, 2, 3, 4];

/** Audio files under `dir` (recursively), sorted. @throws Error naming `dir` when it holds none. */
export function audioFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    throw new Error(`${dir}: not a readable directory`);
  }
  const files = entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return audioFiles(path);
    return AUDIO_EXTENSIONS.has(extname(name).toLowerCase()) ? [path] : [];
  });
  if (!files.length) throw new Error(`${dir}: no audio files (${[...AUDIO_EXTENSIONS].join(", ")})`);
  return files;
}

/** Per-frame (80 ms) scores of one recording. */
export interface ScoredClip {
  file: string;
  seconds: number;
  scores: number[];
}

export interface WakeWordCalibration {
  model: string;
  positives: number;
  negatives: number;
  negative_hours: number;
  /** One false accept in this data, per hour: budgets below it cannot be told from zero. */
  fa_resolution_per_hour: number;
  refractory_ms: number;
  target_fa_per_hour: number;
  points: OperatingPoint[];
  proposed?: OperatingPoint;
}

/** Detections of one clip through the agent's gate. */
export function countDetections(clip: ScoredClip, model: string, threshold: number, patience: number, refractoryMs: number): number {
  const gate = new DetectionGate(model, { threshold, patience, refractory_ms: refractoryMs });
  return clip.scores.reduce((n, score, i) => n + (gate.update(score, (i + 1) * FRAME_MS) ? 1 : 0), 0);
}

/**
 * Score and sweep. Each file is heard alone from a fresh stream; positives get 1 s of
 * silence after them so the word can finish. Hours count only the negatives' own audio.
 * @throws Error for an unknown model or unreadable audio (naming the file).
 */
export async function calibrateWakeWord(options: {
  positiveDir: string;
  negativeDir: string;
  model?: string;
  targetFaPerHour?: number;
  thresholds?: number[];
  patiences?: number[];
  progress?: (done: number, total: number) => void;
}): Promise<WakeWordCalibration> {
  const config = wakeWordModelSchema.parse({ model: options.model ?? "alexa" });
  const positiveFiles = audioFiles(options.positiveDir);
  const negativeFiles = audioFiles(options.negativeDir);
  const models = await OpenWakeWordModels.load([config]);
  const detector = await models.detector();
  const name = detector.models[0]!;
  const total = positiveFiles.length + negativeFiles.length;
  let done = 0;
  const score = async (file: string, padAfter: boolean): Promise<ScoredClip> => {
    let pcm: Int16Array;
    try {
      pcm = await decodeFile(file);
    } catch (err) {
      throw new Error(`${file}: cannot decode audio (${(err as Error).message})`);
    }
    const audio = padAfter ? new Int16Array(pcm.length + RATE) : pcm;
    if (padAfter) audio.set(pcm);
    await detector.reset();
    const result = await detector.process(audio);
    options.progress?.(++done, total);
    return { file, seconds: pcm.length / RATE, scores: result.frames.map((f) => f.scores[name]!) };
  };
  const positives: ScoredClip[] = [];
  for (const f of positiveFiles) positives.push(await score(f, true));
  const negatives: ScoredClip[] = [];
  for (const f of negativeFiles) negatives.push(await score(f, true));
  const hours = negatives.reduce((h, c) => h + c.seconds, 0) / 3600;

  const points: OperatingPoint[] = [];
  for (const patience of options.patiences ?? DEFAULT_PATIENCES) {
    for (const threshold of options.thresholds ?? DEFAULT_THRESHOLDS) {
      const detected = positives.filter((c) => countDetections(c, name, threshold, patience, config.refractory_ms) > 0).length;
      const falseAccepts = negatives.reduce((n, c) => n + countDetections(c, name, threshold, patience, config.refractory_ms), 0);
      points.push({ threshold, patience, detection_rate: detected / positives.length, false_accepts: falseAccepts, fa_rate: falseAccepts / hours });
    }
  }
  const target = options.targetFaPerHour ?? 0.5;
  return {
    model: name,
    positives: positives.length,
    negatives: negatives.length,
    negative_hours: hours,
    fa_resolution_per_hour: 1 / hours,
    refractory_ms: config.refractory_ms,
    target_fa_per_hour: target,
    points,
    proposed: proposeOperatingPoint(points, target),
  };
}
