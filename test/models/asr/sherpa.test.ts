/**
 * The optional sherpa-onnx backend's start-up checks. The decode path needs a
 * user-fetched model and the sherpa-onnx-node addon, neither of which is
 * installed here: only the validation and error paths are tested.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveSherpaModel, SherpaRecognizer } from "../../../models/asr/sherpa.ts";

const dirWith = (...files: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-sherpa-"));
  for (const f of files) writeFileSync(join(dir, f), "");
  return dir;
};

test("model_dir and model_type are required for the sherpa backend", () => {
  assert.throws(() => resolveSherpaModel(undefined, "whisper"), /^Error: asr\.model_dir: required when asr\.backend is sherpa$/);
  assert.throws(() => resolveSherpaModel("/tmp", undefined), /asr\.model_type: required/);
  assert.throws(() => resolveSherpaModel("/nonexistent/model", "whisper"), /asr\.model_dir: \/nonexistent\/model: no such directory/);
});

test("an incomplete model directory names every missing file", () => {
  const dir = dirWith("encoder-epoch-99-avg-1.onnx", "tokens.txt");
  assert.throws(
    () => resolveSherpaModel(dir, "transducer"),
    (err: Error) => err.message === `asr.model_dir: ${dir} is not a complete sherpa-onnx transducer export; missing decoder (e.g. decoder-epoch-99-avg-1.onnx), joiner (e.g. joiner-epoch-99-avg-1.onnx)`,
  );
  const moonshine = dirWith("preprocess.onnx", "encode.int8.onnx", "tokens.txt");
  assert.throws(() => resolveSherpaModel(moonshine, "moonshine"), /missing uncachedDecoder \(e\.g\. uncached_decode\.int8\.onnx\), cachedDecoder/);
});

test("a complete directory resolves each role, preferring int8 files", () => {
  const dir = dirWith("tiny.en-encoder.onnx", "tiny.en-encoder.int8.onnx", "tiny.en-decoder.onnx", "tiny.en-tokens.txt");
  assert.deepEqual(resolveSherpaModel(dir, "whisper"), {
    encoder: join(dir, "tiny.en-encoder.int8.onnx"),
    decoder: join(dir, "tiny.en-decoder.onnx"),
    tokens: join(dir, "tiny.en-tokens.txt"),
  });
  const transducer = dirWith("encoder.onnx", "decoder.onnx", "joiner.onnx", "tokens.txt");
  assert.equal(resolveSherpaModel(transducer, "transducer").decoder, join(transducer, "decoder.onnx"));
});

test("without the sherpa-onnx-node addon, start-up says how to install it", async () => {
  const dir = dirWith("tiny.en-encoder.onnx", "tiny.en-decoder.onnx", "tiny.en-tokens.txt");
  await assert.rejects(SherpaRecognizer.create({ model_dir: dir, model_type: "whisper", threads: 1 }), /asr\.backend sherpa: cannot load sherpa-onnx-node \(npm install sherpa-onnx-node\)/);
});
