/**
 * Optional open-vocabulary recognizer: sherpa-onnx (k2-fsa) through its
 * native Node addon `sherpa-onnx-node`, with a Whisper, Moonshine or
 * transducer (zipformer) export the user fetched into `asr.model_dir`. Its
 * transcript goes through the text intent recognizer (no intent here).
 *
 * The addon is not a dependency of hearth: it is imported lazily, only when
 * the config selects this backend. The model directory is checked before
 * the addon loads, so a missing or incomplete directory is a start-up error
 * that names the files it lacks.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { AsrConfig } from "../../agent/config/asr.ts";
import { ASR_SAMPLE_RATE, type RecognitionResult, type SpeechRecognizer } from "./recognizer.ts";

/** The sherpa-onnx export kinds hearth can load. */
export type SherpaModelType = NonNullable<AsrConfig["model_type"]>;

/** The files each export needs, as a role and a file-name pattern (int8 variants accepted). */
const REQUIRED_FILES: Record<SherpaModelType, [role: string, pattern: RegExp, example: string][]> = {
  whisper: [
    ["encoder", /encoder(\.int8)?\.onnx$/, "tiny.en-encoder.onnx"],
    ["decoder", /decoder(\.int8)?\.onnx$/, "tiny.en-decoder.onnx"],
    ["tokens", /tokens\.txt$/, "tiny.en-tokens.txt"],
  ],
  moonshine: [
    ["preprocessor", /^preprocess(\.int8)?\.onnx$/, "preprocess.onnx"],
    ["encoder", /^encode(\.int8)?\.onnx$/, "encode.int8.onnx"],
    ["uncachedDecoder", /^uncached_decode(\.int8)?\.onnx$/, "uncached_decode.int8.onnx"],
    ["cachedDecoder", /^cached_decode(\.int8)?\.onnx$/, "cached_decode.int8.onnx"],
    ["tokens", /^tokens\.txt$/, "tokens.txt"],
  ],
  transducer: [
    ["encoder", /encoder.*\.onnx$/, "encoder-epoch-99-avg-1.onnx"],
    ["decoder", /decoder.*\.onnx$/, "decoder-epoch-99-avg-1.onnx"],
    ["joiner", /joiner.*\.onnx$/, "joiner-epoch-99-avg-1.onnx"],
    ["tokens", /^tokens\.txt$/, "tokens.txt"],
  ],
};

/** Resolved model files by role (`encoder`, `tokens`, ...), absolute paths. */
export type SherpaModelFiles = Record<string, string>;

/**
 * Check `dir` for every file the export type needs; int8 files are preferred when both exist.
 * @throws Error naming `asr.model_dir`, the directory and each missing file.
 */
export function resolveSherpaModel(dir: string | undefined, type: SherpaModelType | undefined): SherpaModelFiles {
  if (!dir) throw new Error("asr.model_dir: required when asr.backend is sherpa");
  if (!type) throw new Error(`asr.model_type: required when asr.backend is sherpa (whisper, moonshine or transducer)`);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new Error(`asr.model_dir: ${dir}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (err as Error).message}`);
  }
  const files: SherpaModelFiles = {};
  const missing: string[] = [];
  for (const [role, pattern, example] of REQUIRED_FILES[type]) {
    // A decoder pattern must not pick up the joiner or an encoder of the same export.
    const candidates = names.filter((n) => pattern.test(n) && !(role === "decoder" && /(encoder|joiner|uncached|cached)/.test(n)));
    const pick = candidates.find((n) => n.includes(".int8.")) ?? candidates[0];
    if (pick) files[role] = join(dir, pick);
    else missing.push(`${role} (e.g. ${example})`);
  }
  if (missing.length) throw new Error(`asr.model_dir: ${dir} is not a complete sherpa-onnx ${type} export; missing ${missing.join(", ")}`);
  return files;
}

/** The subset of the `sherpa-onnx-node` addon used here. */
interface SherpaAddon {
  OfflineRecognizer: new (config: unknown) => {
    createStream(): { acceptWaveform(wave: { sampleRate: number; samples: Float32Array }): void };
    decode(stream: unknown): void;
    getResult(stream: unknown): { text: string };
  };
}

/** Open-vocabulary recognizer; the transcript has no intent (the text recognizer supplies it). */
export class SherpaRecognizer implements SpeechRecognizer {
  private constructor(private readonly recognizer: InstanceType<SherpaAddon["OfflineRecognizer"]>) {}

  /**
   * Validate the model directory, then load `sherpa-onnx-node` and the model.
   * @throws Error for a missing/incomplete model directory, a missing addon, or a model the addon rejects.
   */
  static async create(config: Pick<AsrConfig, "model_dir" | "model_type" | "threads">): Promise<SherpaRecognizer> {
    const files = resolveSherpaModel(config.model_dir, config.model_type);
    let addon: SherpaAddon;
    try {
      // A variable specifier keeps TypeScript from requiring the optional package's types.
      const name = "sherpa-onnx-node";
      addon = ((await import(name)) as { default?: SherpaAddon } & SherpaAddon).default ?? ((await import(name)) as SherpaAddon);
    } catch (err) {
      throw new Error(`asr.backend sherpa: cannot load sherpa-onnx-node (npm install sherpa-onnx-node): ${(err as Error).message.split("\n")[0]}`);
    }
    const { tokens, ...parts } = files;
    const modelConfig = { [config.model_type!]: parts, tokens, numThreads: config.threads, provider: "cpu" };
    try {
      return new SherpaRecognizer(new addon.OfflineRecognizer({ featConfig: { sampleRate: ASR_SAMPLE_RATE, featureDim: 80 }, modelConfig }));
    } catch (err) {
      throw new Error(`asr.model_dir: ${config.model_dir}: sherpa-onnx cannot load the ${config.model_type} model: ${(err as Error).message}`);
    }
  }

  async recognize(pcm: Int16Array): Promise<RecognitionResult> {
    const stream = this.recognizer.createStream();
    stream.acceptWaveform({ sampleRate: ASR_SAMPLE_RATE, samples: Float32Array.from(pcm, (s) => s / 32768) });
    this.recognizer.decode(stream);
    const text = this.recognizer.getResult(stream).text.trim().toLowerCase();
    if (!text) return { rejected: true, reason: "no words recognised" };
    // sherpa-onnx's offline API reports no confidence; the text intent recognizer decides whether it is a command.
    return { text, confidence: 1 };
  }

  close(): void {
    // The addon frees the recognizer when it is garbage-collected.
  }
}
