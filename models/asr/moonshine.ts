/**
 * Moonshine tiny (Useful Sensors, "Moonshine: Speech Recognition for Live
 * Transcription and Voice Commands", Jeffries et al. 2024; MIT) on
 * onnxruntime-node: an encoder over raw 16 kHz audio and an autoregressive
 * decoder with a key/value cache, as exported by Hugging Face Optimum
 * ("merged" decoder: `use_cache_branch` false on the first step, true after).
 * The quantized weights ship in the `@moonshine-ai/moonshine-js` npm package;
 * tokens are Llama SentencePiece pieces (`llama-tokenizer-js`).
 *
 * This module only runs the network; what to decode (free text or a grammar)
 * is decided by the callers.
 */
import * as ort from "onnxruntime-node";
import llamaTokenizer from "llama-tokenizer-js";
import { createSession, type ExecutionProvider } from "../session.ts";
import { modelPath } from "../store.ts";

/** Start-of-transcript token (the decoder's first input). */
const BOS_TOKEN = 1;
/** End-of-transcript token. */
export const EOS_TOKEN = 2;
const LAYERS = 6;
const HEADS = 8;
const HEAD_DIM = 36;

/** The decoder's self-attention cache of one hypothesis: per layer, key and value f32[1,8,S,36]. */
export type SelfAttentionCache = ort.Tensor[];

/** Encoder output of one utterance with the cross-attention cache computed from it on the first step. */
export interface EncodedAudio {
  /** f32[1,T,288]. */
  hidden: ort.Tensor;
  /** Per layer, key and value f32[1,8,T,36]; filled by {@link MoonshineModel.first}. */
  crossCache: ort.Tensor[];
  /** Tiled copies of `hidden` and `crossCache` per batch size (the decoder wants batch-sized inputs). */
  tiled: Map<number, { hidden: ort.Tensor; crossCache: ort.Tensor[] }>;
}

/** Log-probabilities over the vocabulary after one decoder step, with the cache to continue from. */
export interface StepOutput {
  /** log-softmax of the logits, length = vocabulary size. */
  logProbs: Float32Array;
  cache: SelfAttentionCache;
}

export interface MoonshineOptions {
  providers?: ExecutionProvider[];
  /** Intra-op threads per session (default 1: the voice pipeline shares the CPU with vision). */
  intraOpThreads?: number;
}

export class MoonshineModel {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {}

  /**
   * Load both sessions from the model store (checksums verified).
   * @throws ModelIntegrityError when a file is missing or corrupt; Error when ONNX Runtime cannot load it.
   */
  static async load(options: MoonshineOptions = {}): Promise<MoonshineModel> {
    const sessionOptions = { providers: options.providers, intraOpThreads: options.intraOpThreads ?? 1 };
    const [encoder, decoder] = await Promise.all([
      createSession(await modelPath("moonshine-tiny-encoder"), sessionOptions),
      createSession(await modelPath("moonshine-tiny-decoder"), sessionOptions),
    ]);
    return new MoonshineModel(encoder.session, decoder.session);
  }

  /** Run the encoder over `audio` (16 kHz, −1..1, at least 0.1 s). */
  async encode(audio: Float32Array): Promise<EncodedAudio> {
    const out = await this.encoder.run({ input_values: new ort.Tensor("float32", audio, [1, audio.length]) });
    return { hidden: out.last_hidden_state!, crossCache: [], tiled: new Map() };
  }

  /** The first decoder step (BOS), which also fills the cross-attention cache. */
  async first(encoded: EncodedAudio): Promise<StepOutput> {
    const empty: Record<string, ort.Tensor> = {};
    for (let l = 0; l < LAYERS; l++) {
      for (const part of ["decoder", "encoder"]) {
        for (const kv of ["key", "value"]) empty[`past_key_values.${l}.${part}.${kv}`] = new ort.Tensor("float32", new Float32Array(0), [1, HEADS, 0, HEAD_DIM]);
      }
    }
    const out = await this.decoder.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.of(BigInt(BOS_TOKEN)), [1, 1]),
      encoder_hidden_states: encoded.hidden,
      use_cache_branch: new ort.Tensor("bool", [false], [1]),
      ...empty,
    });
    encoded.crossCache = [];
    const cache: SelfAttentionCache = [];
    for (let l = 0; l < LAYERS; l++) {
      for (const kv of ["key", "value"]) {
        encoded.crossCache.push(out[`present.${l}.encoder.${kv}`]!);
        cache.push(out[`present.${l}.decoder.${kv}`]!);
      }
    }
    encoded.tiled.set(1, { hidden: encoded.hidden, crossCache: encoded.crossCache });
    return { logProbs: logSoftmax(out.logits!.data as Float32Array, 0, out.logits!.dims.at(-1)!), cache };
  }

  /**
   * One decoder step for a batch of hypotheses of equal length: `tokens[i]`
   * follows the hypothesis whose self-attention cache is `caches[i]`.
   */
  async step(encoded: EncodedAudio, tokens: number[], caches: SelfAttentionCache[]): Promise<StepOutput[]> {
    const batch = tokens.length;
    const tiled = this.tiledFor(encoded, batch);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", BigInt64Array.from(tokens, BigInt), [batch, 1]),
      encoder_hidden_states: tiled.hidden,
      use_cache_branch: new ort.Tensor("bool", [true], [1]),
    };
    for (let l = 0; l < LAYERS; l++) {
      ["key", "value"].forEach((kv, k) => {
        feeds[`past_key_values.${l}.decoder.${kv}`] = stack(caches.map((c) => c[2 * l + k]!));
        feeds[`past_key_values.${l}.encoder.${kv}`] = tiled.crossCache[2 * l + k]!;
      });
    }
    const out = await this.decoder.run(feeds);
    const vocab = out.logits!.dims.at(-1)!;
    const logits = out.logits!.data as Float32Array;
    const present: ort.Tensor[] = [];
    for (let l = 0; l < LAYERS; l++) for (const kv of ["key", "value"]) present.push(out[`present.${l}.decoder.${kv}`]!);
    return tokens.map((_, i) => ({ logProbs: logSoftmax(logits, i * vocab, vocab), cache: present.map((t) => unstack(t, i)) }));
  }

  release(): void {
    void this.encoder.release();
    void this.decoder.release();
  }

  private tiledFor(encoded: EncodedAudio, batch: number): { hidden: ort.Tensor; crossCache: ort.Tensor[] } {
    let tiled = encoded.tiled.get(batch);
    if (!tiled) {
      tiled = { hidden: repeat(encoded.hidden, batch), crossCache: encoded.crossCache.map((t) => repeat(t, batch)) };
      encoded.tiled.set(batch, tiled);
    }
    return tiled;
  }
}

/** The text of token ids (SentencePiece pieces joined, "▁" as spaces). */
export function detokenize(ids: number[]): string {
  return llamaTokenizer.decode(ids, false, false);
}

/** Token ids of `text`; `leadingSpace` gives the word-initial form ("▁word") a word takes after a space. */
export function tokenize(text: string, leadingSpace = true): number[] {
  return llamaTokenizer.encode(text, false, leadingSpace);
}

function logSoftmax(logits: Float32Array, offset: number, length: number): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(logits[offset + i]! - max);
  const logSum = max + Math.log(sum);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = logits[offset + i]! - logSum;
  return out;
}

/** Concatenate batch-1 tensors along the batch axis. */
function stack(tensors: ort.Tensor[]): ort.Tensor {
  if (tensors.length === 1) return tensors[0]!;
  const size = tensors[0]!.size;
  const data = new Float32Array(size * tensors.length);
  tensors.forEach((t, i) => data.set(t.data as Float32Array, i * size));
  return new ort.Tensor("float32", data, [tensors.length, ...tensors[0]!.dims.slice(1)]);
}

/** Batch item `index` of a tensor, as a batch-1 tensor. */
function unstack(tensor: ort.Tensor, index: number): ort.Tensor {
  const size = tensor.size / tensor.dims[0]!;
  const data = (tensor.data as Float32Array).slice(index * size, (index + 1) * size);
  return new ort.Tensor("float32", data, [1, ...tensor.dims.slice(1)]);
}

/** A batch-1 tensor repeated `batch` times along the batch axis. */
function repeat(tensor: ort.Tensor, batch: number): ort.Tensor {
  return stack(Array.from({ length: batch }, () => tensor));
}
