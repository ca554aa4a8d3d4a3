/**
 * openWakeWord's shared feature pipeline (dscripka/openWakeWord,
 * openwakeword/utils.py `AudioFeatures`), streaming over 80 ms frames:
 *
 * 1. melspectrogram.onnx on the new 1280 samples plus 480 samples (3 × 160)
 *    of the previous audio as context, as float32 in int16 range → 8 frames of
 *    32 mel bins (10 ms hop), rescaled `x / 10 + 2` as openWakeWord does;
 * 2. embedding_model.onnx on the last 76 mel frames (760 ms) → one
 *    96-dimensional embedding per 80 ms frame;
 * 3. the keyword classifiers read the last N embeddings (N = 16 for the
 *    pretrained ones, 1.28 s).
 *
 * Sessions are loaded once (`WakeWordFeatureModels`) and shared; each audio
 * stream owns a `FeatureStream` with its buffers. A new stream starts as if
 * preceded by silence (its buffers are primed with digital silence), so
 * scores are deterministic and do not depend on earlier input.
 */
import * as ort from "onnxruntime-node";
import { createSession, type ExecutionProvider } from "../session.ts";
import { modelPath } from "../store.ts";

/** Samples per frame: one embedding per 1280 samples (80 ms at 16 kHz). */
export const WAKE_FRAME_SAMPLES = 1280;
/** Audio context prepended to each frame for the mel model (3 hops of 160 samples). */
export const MEL_CONTEXT_SAMPLES = 480;
/** Mel frames produced per 80 ms frame. */
export const MEL_FRAMES_PER_FRAME = 8;
/** Mel bins per frame. */
export const MEL_BINS = 32;
/** Mel frames per embedding window (760 ms). */
export const EMBEDDING_WINDOW = 76;
/** Embedding size. */
export const EMBEDDING_DIM = 96;
/** Frames of silence used to prime a new stream (2 s: longer than the 760 ms + 1.28 s receptive field). */
const PRIMING_FRAMES = 25;

/** The two shared feature models. */
export class WakeWordFeatureModels {
  private constructor(
    readonly mel: ort.InferenceSession,
    readonly embedding: ort.InferenceSession,
  ) {}

  /**
   * Load `oww-melspectrogram` and `oww-embedding` from the manifest (checksum-verified).
   * @throws ModelIntegrityError / Error when a model is missing, corrupt or unloadable.
   */
  static async load(providers?: ExecutionProvider[]): Promise<WakeWordFeatureModels> {
    const [mel, embedding] = await Promise.all([
      createSession(await modelPath("oww-melspectrogram"), { providers, intraOpThreads: 1 }),
      createSession(await modelPath("oww-embedding"), { providers, intraOpThreads: 1 }),
    ]);
    return new WakeWordFeatureModels(mel.session, embedding.session);
  }

  /** Mel frames (rescaled x/10+2) of `audio` (float32, int16 range): Float32Array of frames × 32. */
  async melspectrogram(audio: Float32Array): Promise<Float32Array> {
    const out = await this.mel.run({ [this.mel.inputNames[0]!]: new ort.Tensor("float32", audio, [1, audio.length]) });
    const data = out[this.mel.outputNames[0]!]!.data as Float32Array;
    const scaled = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) scaled[i] = data[i]! / 10 + 2;
    return scaled;
  }

  /** One 96-d embedding of a 76 × 32 mel window. */
  async embed(melWindow: Float32Array): Promise<Float32Array> {
    const out = await this.embedding.run({
      [this.embedding.inputNames[0]!]: new ort.Tensor("float32", melWindow, [1, EMBEDDING_WINDOW, MEL_BINS, 1]),
    });
    return new Float32Array(out[this.embedding.outputNames[0]!]!.data as Float32Array);
  }

  /**
   * A fresh stream keeping `history` embeddings, primed with silence.
   * Priming is computed once per history length and copied afterwards.
   */
  async stream(history: number): Promise<FeatureStream> {
    let primed = this.primed.get(history);
    if (!primed) {
      const s = new FeatureStream(this, history, {
        context: new Float32Array(MEL_CONTEXT_SAMPLES),
        // openWakeWord starts its mel buffer as ones.
        mel: new Float32Array(EMBEDDING_WINDOW * MEL_BINS).fill(1),
        embeddings: new Float32Array(history * EMBEDDING_DIM),
      });
      const silence = new Int16Array(WAKE_FRAME_SAMPLES);
      for (let i = 0; i < PRIMING_FRAMES; i++) await s.push(silence);
      primed = s.snapshot();
      this.primed.set(history, primed);
    }
    return new FeatureStream(this, history, primed);
  }

  private readonly primed = new Map<number, FeatureState>();
}

interface FeatureState {
  context: Float32Array;
  mel: Float32Array;
  embeddings: Float32Array;
}

/** Per-stream buffers: audio context, last 76 mel frames, last N embeddings. */
export class FeatureStream {
  private readonly context: Float32Array;
  private readonly mel: Float32Array;
  private readonly embeddingBuffer: Float32Array;
  private readonly audio = new Float32Array(MEL_CONTEXT_SAMPLES + WAKE_FRAME_SAMPLES);

  constructor(
    private readonly models: WakeWordFeatureModels,
    /** Embeddings kept (the longest classifier window). */
    readonly history: number,
    state: FeatureState,
  ) {
    this.context = state.context.slice();
    this.mel = state.mel.slice();
    this.embeddingBuffer = state.embeddings.slice();
  }

  /**
   * Advance by one 80 ms frame (exactly 1280 samples, int16 or float32 in int16 range, e.g. level-normalised).
   * @throws RangeError for any other length.
   */
  async push(frame: Int16Array | Float32Array): Promise<void> {
    if (frame.length !== WAKE_FRAME_SAMPLES) throw new RangeError(`wake word frames are ${WAKE_FRAME_SAMPLES} samples, got ${frame.length}`);
    const audio = this.audio;
    audio.set(this.context, 0);
    for (let i = 0; i < WAKE_FRAME_SAMPLES; i++) audio[MEL_CONTEXT_SAMPLES + i] = frame[i]!;
    this.context.set(audio.subarray(audio.length - MEL_CONTEXT_SAMPLES));
    const fresh = await this.models.melspectrogram(audio);
    const n = MEL_FRAMES_PER_FRAME * MEL_BINS;
    if (fresh.length !== n) throw new Error(`melspectrogram model returned ${fresh.length / MEL_BINS} frames for 1760 samples, expected ${MEL_FRAMES_PER_FRAME}`);
    this.mel.copyWithin(0, n);
    this.mel.set(fresh, this.mel.length - n);
    const embedding = await this.models.embed(this.mel);
    this.embeddingBuffer.copyWithin(0, EMBEDDING_DIM);
    this.embeddingBuffer.set(embedding, this.embeddingBuffer.length - EMBEDDING_DIM);
  }

  /** The last `n` embeddings (n × 96, oldest first), a view valid until the next `push`. */
  embeddings(n: number): Float32Array {
    if (n > this.history) throw new RangeError(`only ${this.history} embeddings are kept, ${n} requested`);
    return this.embeddingBuffer.subarray((this.history - n) * EMBEDDING_DIM);
  }

  /** Copy of the buffers, to start other streams from the same point. */
  snapshot(): FeatureState {
    return { context: this.context.slice(), mel: this.mel.slice(), embeddings: this.embeddingBuffer.slice() };
  }
}
