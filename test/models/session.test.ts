import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { parseConfig } from "../../agent/config/load.ts";
import { manifestEntry } from "../../models/manifest.ts";
import { createSession, sessionOptionsFor } from "../../models/session.ts";
import { modelPath } from "../../models/store.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

test("TensorRT and CUDA are skipped with a reason logged once per process, and the model runs on CPU", async () => {
  const path = await modelPath("oww-melspectrogram");
  // A child process, so the test reads the log lines exactly as hearth writes them to stderr.
  const script = `
    import { createSession } from "./models/session.ts";
    const s = await createSession(${JSON.stringify(path)}, { modelId: "oww-melspectrogram", providers: ["tensorrt", "cuda", "cpu"] });
    await createSession(${JSON.stringify(path)}, { modelId: "oww-melspectrogram-again", providers: ["tensorrt", "cuda", "cpu"] });
    process.stdout.write(JSON.stringify({ provider: s.provider, skipped: s.skipped }));`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, HEARTH_LOG_FORMAT: "json" } });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout);
  assert.equal(result.provider, "cpu");
  assert.deepEqual(result.skipped.map((s: { provider: string }) => s.provider), ["tensorrt", "cuda"]);
  const logs = child.stderr.trim().split("\n").map((line) => JSON.parse(line));
  const skips = logs.filter((l) => l.msg.startsWith("skipping provider"));
  assert.deepEqual(skips.map((l) => l.provider), ["tensorrt", "cuda"]);
  for (const l of skips) {
    assert.equal(l.module, "models/session");
    assert.match(l.msg, new RegExp(`skipping provider for every model: ${l.provider} is not in this onnxruntime-node build \\(bundled: cpu`));
  }
  const chosen = logs.filter((l) => l.msg === "model runs on cpu");
  assert.deepEqual(chosen.map((l) => l.model), ["oww-melspectrogram", "oww-melspectrogram-again"]);
});

test("sessions are warmed up, limited to the configured threads and time every run", async () => {
  const config = parseConfig({ models: { providers: ["cuda", "cpu"], always_on_threads: 1 } });
  const entry = manifestEntry("oww-melspectrogram");
  const options = sessionOptionsFor(entry, config.models);
  assert.equal(options.intraOpThreads, 1);
  let warmups = 0;
  const audio = () => new ort.Tensor("float32", new Float32Array(1280).map((_, i) => 3000 * Math.sin(i / 5)), [1, 1280]);
  const loaded = await createSession(await modelPath(entry.id), {
    ...options,
    modelId: "oww-melspectrogram-test",
    warmup: () => (warmups++, { input: audio() }),
  });
  assert.equal(warmups, 1);
  assert.equal(loaded.provider, "cpu");
  assert.equal(loaded.metrics.stats().count, 0, "the warm-up run is not counted");
  for (let i = 0; i < 3; i++) {
    const out = await loaded.run({ input: audio() });
    assert.deepEqual(out.output!.dims, [1, 1, 5, 32]);
  }
  const stats = loaded.metrics.stats();
  assert.equal(stats.count, 3);
  assert.ok(stats.p50Ms > 0 && stats.p95Ms >= stats.p50Ms && stats.totalMs >= stats.p95Ms);
});

test("a model no provider can load fails with its path", async (t) => {
  const image = join(root, "../shared/data/images/darknet_dog.jpg");
  if (!existsSync(image)) return t.skip("../shared absent: ../shared/data/images/darknet_dog.jpg");
  await assert.rejects(createSession(image, { providers: ["cpu"] }), /cannot load ONNX model .*darknet_dog\.jpg: cpu failed to load the model/);
});
