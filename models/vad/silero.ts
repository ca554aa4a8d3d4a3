/**
 * Silero VAD v5 (snakers4/silero-vad, MIT) on onnxruntime-node.
 *
 * The v5 graph takes `input` f32[1, 64 + 512] (the last 64 samples of the
 * previous chunk as context, then the new 512-sample chunk, 16 kHz, −1..1),
 * `state` f32[2,1,128] (its LSTM state) and `sr` int64 scalar; it returns
 * `output` f32[1,1] (speech probability of the chunk) and `stateN`. This
 * mirrors silero-vad's own `OnnxWrapper` (utils_vad.py), which concatenates
 * the 64-sample context before every call; feeding bare 512-sample chunks
 * runs but lowers the probabilities.
 */
import * as ort from "onnxruntime-node";
import { createSession, type ExecutionProvider } from "../session.ts";
import { modelPath } from "../store.ts";

/** Sample rate the model runs at, Hz. */
export const VAD_SAMPLE_RATE = 16_000;
/** Samples per VAD chunk (32 ms at 16 kHz). */
export const VAD_CHUNK_SAMPLES = 512;
/** Samples of the previous chunk prepended as context (v5, 16 kHz). */
export const VAD_CONTEXT_SAMPLES = 64;

/** One 512-sample chunk of a stream with its speech probability. */
export interface VadChunk {
  /** Index of the chunk's first sample since the stream (or the last `reset`) started. */
  start: number;
  /** The chunk's audio, 512 int16 samples at 16 kHz. */
  samples: Int16Array;
  /** Speech probability 0..1. */
  probability: number;
}

export interface SileroVadOptions {
  /** Model file; default the manifest's `silero-vad-v5`, checksum-verified. */
  path?: string;
  providers?: ExecutionProvider[];
}

const STATE_SIZE = 2 * 1 * 128;
/**
 * After this many consecutive chunks without speech (about 5 s) the recurrent state is cleared. Fed a long
 * stretch of music or noise, the v5 state drifts until real speech barely registers (a command after a
 * minute of music scored 0.05 on average instead of 0.64); clearing it while nothing is said costs nothing.
 */
const QUIET_CHUNKS_BEFORE_STATE_RESET = 156;
/** A chunk below this probability counts as quiet for the state reset. */
const QUIET_PROBABILITY = 0.15;

/**
 * Streaming Silero VAD for one audio stream (it is stateful: one instance per
 * source). `process` accepts int16 frames of any length and returns one
 * probability per complete 512-sample chunk; leftover samples wait for the
 * next call, so results do not depend on how the input is chunked.
 */
export class SileroVad {
  private state = new Float32Array(STATE_SIZE);
  private readonly input = new Float32Array(VAD_CONTEXT_SAMPLES + VAD_CHUNK_SAMPLES);
  private readonly sr = new ort.Tensor("int64", BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  private pending = new Int16Array(VAD_CHUNK_SAMPLES);
  private pendingLength = 0;
  private nextStart = 0;
  private quietChunks = 0;

  private constructor(private readonly session: ort.InferenceSession) {}

  /**
   * Load the model (one intra-op thread: it runs all the time).
   * @throws ModelIntegrityError when the model file is missing or corrupt; Error when ONNX Runtime cannot load it.
   */
  static async load(options: SileroVadOptions = {}): Promise<SileroVad> {
    const path = options.path ?? (await modelPath("silero-vad-v5"));
    const { session } = await createSession(path, {
      providers: options.providers,
      intraOpThreads: 1,
      warmup: () => ({
        input: new ort.Tensor("float32", new Float32Array(VAD_CONTEXT_SAMPLES + VAD_CHUNK_SAMPLES), [1, VAD_CONTEXT_SAMPLES + VAD_CHUNK_SAMPLES]),
        state: new ort.Tensor("float32", new Float32Array(STATE_SIZE), [2, 1, 128]),
        sr: new ort.Tensor("int64", BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []),
      }),
    });
    return new SileroVad(session);
  }

  /** Forget the recurrent state, the context and any buffered samples (a new stream starts at sample 0). */
  reset(): void {
    this.state = new Float32Array(STATE_SIZE);
    this.input.fill(0);
    this.pendingLength = 0;
    this.nextStart = 0;
    this.quietChunks = 0;
  }

  /**
   * Speech probability of exactly one 512-sample chunk (int16 range, or float −1..1), advancing the state.
   * @throws RangeError when the chunk is not 512 samples long.
   */
  async probability(chunk: Int16Array | Float32Array): Promise<number> {
    if (chunk.length !== VAD_CHUNK_SAMPLES) throw new RangeError(`Silero VAD needs ${VAD_CHUNK_SAMPLES}-sample chunks, got ${chunk.length}`);
    const input = this.input;
    // Context: the last 64 samples of the previous chunk, which sit at the end of the previous input.
    input.copyWithin(0, VAD_CHUNK_SAMPLES);
    const scale = chunk instanceof Int16Array ? 1 / 32768 : 1;
    for (let i = 0; i < VAD_CHUNK_SAMPLES; i++) input[VAD_CONTEXT_SAMPLES + i] = chunk[i]! * scale;
    const out = await this.session.run({
      input: new ort.Tensor("float32", input.slice(), [1, input.length]),
      state: new ort.Tensor("float32", this.state, [2, 1, 128]),
      sr: this.sr,
    });
    this.state = new Float32Array(out.stateN!.data as Float32Array);
    const probability = (out.output!.data as Float32Array)[0]!;
    this.quietChunks = probability < QUIET_PROBABILITY ? this.quietChunks + 1 : 0;
    if (this.quietChunks >= QUIET_CHUNKS_BEFORE_STATE_RESET) {
      this.state = new Float32Array(STATE_SIZE);
      this.quietChunks = 0;
    }
    return probability;
  }

  /** Feed int16 samples of any length; returns the chunks completed by them, in order. */
  async process(samples: Int16Array): Promise<VadChunk[]> {
    const chunks: VadChunk[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(VAD_CHUNK_SAMPLES - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === VAD_CHUNK_SAMPLES) {
        const chunk = this.pending;
        this.pending = new Int16Array(VAD_CHUNK_SAMPLES);
        this.pendingLength = 0;
        const probability = await this.probability(chunk);
        chunks.push({ start: this.nextStart, samples: chunk, probability });
        this.nextStart += VAD_CHUNK_SAMPLES;
      }
    }
    return chunks;
  }
}
