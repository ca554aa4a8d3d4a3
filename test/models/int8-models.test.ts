import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { quantizeWakeWord } from "../../calibration/wakeword-quantize.ts";
import { ModelIntegrityError, modelLocation, modelPath, registerInt8Models } from "../../models/store.ts";
import { manifestEntry } from "../../models/manifest.ts";

const wakeword = join(dirname(fileURLToPath(import.meta.url)), "../../../shared/data/wakeword");

test("config models.int8 loads the QDQ model only when its report says int8, verified by sha256", async (t) => {
  if (!existsSync(wakeword)) return t.skip("../shared absent: ../shared/data/wakeword");
  const out = mkdtempSync(join(tmpdir(), "hearth-int8-"));
  t.after(() => (registerInt8Models({}), rmSync(out, { recursive: true, force: true })));
  const report = await quantizeWakeWord({ modelId: "oww-alexa", data: wakeword, method: "minmax", outDir: out, activationType: "uint8", perChannel: true, floatHead: false, maxInputs: 4, benchRuns: 3 });
  const fp32 = modelLocation(manifestEntry("oww-alexa"));
  const qdq = join(out, "oww-alexa.int8.qdq.onnx");
  assert.equal(report.files.qdq_model, qdq);
  const withVerdict = (verdict: string) => writeFileSync(join(out, "report.json"), JSON.stringify({ ...report, verdict }));

  // The decision is the report's: exercise both outcomes on the same real report and model.
  withVerdict("fp32");
  assert.deepEqual(registerInt8Models({ "oww-alexa": out }), []);
  assert.equal(await modelPath("oww-alexa"), fp32, "a model that does not gain stays FP32");

  withVerdict("int8");
  assert.deepEqual(registerInt8Models({ "oww-alexa": out }), ["oww-alexa"]);
  assert.equal(await modelPath("oww-alexa"), qdq);

  const bytes = readFileSync(qdq);
  bytes[bytes.length - 3] ^= 0xff;
  writeFileSync(qdq, bytes);
  await assert.rejects(modelPath("oww-alexa"), (err: unknown) => err instanceof ModelIntegrityError && err.path === qdq && err.expected === report.files.qdq_sha256);

  assert.throws(() => registerInt8Models({ "oww-hey-jarvis": out }), /models\.int8\.oww-hey-jarvis: .*report\.json is the report of oww-alexa/);
  assert.throws(() => registerInt8Models({ "oww-alexa": join(out, "absent") }), /models\.int8\.oww-alexa: cannot read .*absent\/report\.json \(ENOENT\)/);
});
