/**
 * openWakeWord (dscripka/openWakeWord, Apache-2.0 code) in TypeScript on
 * onnxruntime-node: the shared feature pipeline (features.ts) feeds every
 * keyword classifier once per 80 ms frame; scores pass through a
 * threshold/patience/refractory gate per model (detection.ts).
 *
 * Input of any length is buffered into 1280-sample frames, so scores do not
 * depend on how the caller chunks the audio. Each frame passes the level
 * normaliser (level.ts: loud input attenuated to a target peak) before the
 * melspectrogram.
 */
import * as ort from "onnxruntime-node";
import { wakeWordLevelSchema, type WakeWordLevelConfig, type WakeWordModelConfig } from "../../agent/config/wakeword.ts";
import { logger } from "../../agent/log.ts";
import { createSession, type ExecutionProvider } from "../session.ts";
import { DetectionGate, type WakeWordEngine, type WakeWordResult, type WakeWordScores } from "./detection.ts";
import { EMBEDDING_DIM, WAKE_FRAME_SAMPLES, WakeWordFeatureModels, type FeatureStream } from "./features.ts";
import { resolveKeywordModel, type KeywordModelRef } from "./keywords.ts";
import { LevelNormalizer } from "./level.ts";

const log = logger("models/wakeword");

/** A loaded keyword classifier. */
export interface KeywordClassifier {
  ref: KeywordModelRef;
  config: WakeWordModelConfig;
  session: ort.InferenceSession;
  /** Embeddings per input (16 for the pretrained models). */
  window: number;
}

/**
 * Load a classifier and check it has openWakeWord's signature: input f32[1,N,96], output f32[1,1].
 * @throws Error naming the file when it cannot be loaded or its signature differs.
 */
async function loadClassifier(config: WakeWordModelConfig, providers?: ExecutionProvider[]): Promise<KeywordClassifier> {
  const ref = await resolveKeywordModel(config.model, config.name);
  const { session } = await createSession(ref.path, { providers, intraOpThreads: 1 });
  const input = session.inputMetadata[0];
  const shape = input && input.isTensor ? input.shape : [];
  const window = shape[1];
  if (session.inputNames.length !== 1 || shape.length !== 3 || typeof window !== "number" || shape[2] !== EMBEDDING_DIM) {
    throw new Error(
      `wake word model ${ref.path} is not an openWakeWord classifier: input ${JSON.stringify(shape)}, expected [1, N, ${EMBEDDING_DIM}] (N embeddings of ${EMBEDDING_DIM})`,
    );
  }
  log.info({ model: ref.name, path: ref.path, window, threshold: config.threshold, licence: ref.licence }, "wake word model loaded");
  return { ref, config, session, window };
}

/** Feature models plus keyword classifiers, loaded once and shared by every source's detector. */
export class OpenWakeWordModels {
  private constructor(
    readonly features: WakeWordFeatureModels,
    readonly classifiers: KeywordClassifier[],
    /** Input level normalisation of every detector (config `wakeword.level`). */
    readonly level: WakeWordLevelConfig,
  ) {}

  /**
   * `level`: the input level normalisation (default: `wakeword.level`'s defaults, on).
   * @throws Error for an unknown/missing/incompatible model or duplicate names.
   */
  static async load(models: WakeWordModelConfig[], providers?: ExecutionProvider[], level: WakeWordLevelConfig = wakeWordLevelSchema.parse({})): Promise<OpenWakeWordModels> {
    const [features, ...classifiers] = await Promise.all([
      WakeWordFeatureModels.load(providers),
      ...models.map((m) => loadClassifier(m, providers)),
    ]);
    const names = classifiers.map((c) => c.ref.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`wake word model name "${duplicate}" is used twice; give one of them a distinct \`name\``);
    return new OpenWakeWordModels(features, classifiers, level);
  }

  /** A detector for one audio stream. */
  async detector(): Promise<OpenWakeWordDetector> {
    const history = Math.max(...this.classifiers.map((c) => c.window));
    return new OpenWakeWordDetector(this, await this.features.stream(history));
  }
}

/** Streaming openWakeWord detector for one source. */
export class OpenWakeWordDetector implements WakeWordEngine {
  readonly backend = "openwakeword";
  readonly models: readonly string[];
  private gates: DetectionGate[];
  private pending = new Int16Array(WAKE_FRAME_SAMPLES);
  private pendingLength = 0;
  private framesDone = 0;
  private readonly normalizer: LevelNormalizer;
  private readonly normalized = new Float32Array(WAKE_FRAME_SAMPLES);

  constructor(
    private readonly loaded: OpenWakeWordModels,
    private stream: FeatureStream,
  ) {
    this.models = loaded.classifiers.map((c) => c.ref.name);
    this.gates = loaded.classifiers.map((c) => new DetectionGate(c.ref.name, c.config));
    this.normalizer = new LevelNormalizer(loaded.level);
  }

  /** Gain the level normaliser applies now, dB (0: unchanged). */
  get levelGainDb(): number {
    return this.normalizer.gainDb;
  }

  async reset(): Promise<void> {
    this.stream = await this.loaded.features.stream(this.stream.history);
    this.gates.forEach((g) => g.reset());
    this.normalizer.reset();
    this.pendingLength = 0;
    this.framesDone = 0;
  }

  /** Scores of every model for the current embeddings (one 80 ms step). */
  private async score(): Promise<WakeWordScores> {
    const scores: WakeWordScores = {};
    for (const c of this.loaded.classifiers) {
      const input = new ort.Tensor("float32", this.stream.embeddings(c.window).slice(), [1, c.window, EMBEDDING_DIM]);
      const out = await c.session.run({ [c.session.inputNames[0]!]: input });
      scores[c.ref.name] = (out[c.session.outputNames[0]!]!.data as Float32Array)[0]!;
    }
    return scores;
  }

  async process(samples: Int16Array): Promise<WakeWordResult> {
    const result: WakeWordResult = { scores: Object.fromEntries(this.models.map((m) => [m, 0])), frames: [], detections: [] };
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(WAKE_FRAME_SAMPLES - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength < WAKE_FRAME_SAMPLES) break;
      this.pendingLength = 0;
      await this.stream.push(this.normalizer.process(this.pending, this.normalized));
      this.framesDone++;
      const t_ms = (this.framesDone * WAKE_FRAME_SAMPLES * 1000) / 16_000;
      const scores = await this.score();
      result.frames.push({ t_ms, scores });
      this.gates.forEach((gate) => {
        const score = scores[gate.model]!;
        result.scores[gate.model] = Math.max(result.scores[gate.model]!, score);
        const detection = gate.update(score, t_ms);
        if (detection) result.detections.push(detection);
      });
    }
    return result;
  }
}
