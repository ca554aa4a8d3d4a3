import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { manifestEntry, registerUserModels } from "../../models/manifest.ts";
import { importModel, ModelIntegrityError, modelPath, verifyModels } from "../../models/store.ts";

const sharedModels = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/models");
const yolox = join(sharedModels, "yolox_nano.onnx");
const YOLOX_SHA = "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd";

test("import adopts a file whose sha256 matches a manifest entry, and verify passes", async (t) => {
  if (!existsSync(yolox)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const dir = mkdtempSync(join(tmpdir(), "hearth-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const result = await importModel(yolox, dir);
  assert.deepEqual(result, { id: "yolox-nano", path: join(dir, "yolox_nano.onnx") });
  assert.equal(await modelPath("yolox-nano", dir), join(dir, "yolox_nano.onnx"));
  const [verdict] = await verifyModels(["yolox-nano"], dir);
  assert.equal(verdict!.status, "ok");
});

test("import refuses a file that matches no manifest entry", async (t) => {
  const image = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/data/images/darknet_dog.jpg");
  if (!existsSync(image)) return t.skip("../shared absent: ../shared/data/images/darknet_dog.jpg");
  const dir = mkdtempSync(join(tmpdir(), "hearth-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(importModel(image, dir), /darknet_dog\.jpg: sha256 [0-9a-f]{64} matches no model in the manifest/);
  await assert.rejects(importModel(join(dir, "absent.onnx"), dir), /absent\.onnx: cannot read \(ENOENT\)/);
});

test("a corrupted store file fails verify and loading with path, expected and actual checksum", async (t) => {
  if (!existsSync(yolox)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const dir = mkdtempSync(join(tmpdir(), "hearth-store-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "yolox_nano.onnx");
  copyFileSync(yolox, path);
  assert.equal(await modelPath("yolox-nano", dir), path);
  const bytes = readFileSync(path);
  bytes[1000] ^= 0x01;
  writeFileSync(path, bytes);
  const [verdict] = await verifyModels(["yolox-nano"], dir);
  assert.equal(verdict!.status, "corrupt");
  assert.equal(verdict!.expected, YOLOX_SHA);
  assert.match(verdict!.actual!, /^[0-9a-f]{64}$/);
  assert.notEqual(verdict!.actual, YOLOX_SHA);
  await assert.rejects(modelPath("yolox-nano", dir), (err: unknown) => {
    assert.ok(err instanceof ModelIntegrityError);
    assert.equal(err.path, path);
    assert.equal(err.expected, YOLOX_SHA);
    assert.equal(err.actual, verdict!.actual);
    assert.ok(err.message.includes(path) && err.message.includes(YOLOX_SHA) && err.message.includes(verdict!.actual!));
    return true;
  });
  rmSync(path);
  const [missing] = await verifyModels(["yolox-nano"], dir);
  assert.equal(missing!.status, "missing");
});

test("npm-shipped models verify in place", async () => {
  const results = await verifyModels(["oww-melspectrogram", "silero-vad-v5"]);
  assert.deepEqual(results.map((r) => r.status), ["ok", "ok"]);
});

test("user models from config join the manifest and are checked by sha256", async (t) => {
  if (!existsSync(yolox)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  t.after(() => registerUserModels([]));
  registerUserModels([
    { id: "my-detector", path: yolox, sha256: YOLOX_SHA, role: "detector" },
    { id: "bad-detector", path: yolox, sha256: "0".repeat(64), role: "detector" },
  ]);
  assert.equal(manifestEntry("my-detector").origin.kind, "file");
  assert.equal(await modelPath("my-detector"), yolox);
  await assert.rejects(modelPath("bad-detector"), /model bad-detector: .*yolox_nano\.onnx is corrupt: sha256 e8af07.*, expected 0{64}/);
  assert.throws(() => registerUserModels([{ id: "yolox-nano", path: yolox, role: "detector" }]), /id "yolox-nano" is a built-in model/);
});
