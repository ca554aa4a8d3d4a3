import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const yolox = join(root, "../shared/models/yolox_nano.onnx");
const hearth = (...args: string[]) => spawnSync(process.execPath, [join(root, "bin/hearth.js"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, HEARTH_LOG_LEVEL: "warn" } });

test("hearth models import, then verify exits 1 naming the corrupt file and both checksums", async (t) => {
  if (!existsSync(yolox)) return t.skip("../shared absent: ../shared/models/yolox_nano.onnx");
  const dir = mkdtempSync(join(tmpdir(), "hearth-cli-models-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const imported = hearth("models", "import", yolox, "--dir", dir);
  assert.equal(imported.status, 0, imported.stderr);
  assert.equal(imported.stdout, `yolox-nano: imported ${join(dir, "yolox_nano.onnx")}\n`);
  const ok = hearth("models", "verify", "yolox-nano", "--dir", dir);
  assert.equal(ok.status, 0);
  assert.match(ok.stdout, /^ok +yolox-nano/);

  const bytes = readFileSync(join(dir, "yolox_nano.onnx"));
  bytes[5] ^= 0xff;
  writeFileSync(join(dir, "yolox_nano.onnx"), bytes);
  const bad = hearth("models", "verify", "yolox-nano", "--dir", dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, new RegExp(`^corrupt +yolox-nano +${join(dir, "yolox_nano.onnx")} sha256 [0-9a-f]{64}, expected e8af0749`));

  const refused = hearth("models", "import", join(root, "package.json"), "--dir", dir);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /package\.json: sha256 [0-9a-f]{64} matches no model in the manifest; refusing to import it/);
});

test("hearth models list shows every model with its origin and licence", () => {
  const listed = hearth("models", "list");
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /^yolox-nano +detector +0\.1\.1rc0 +store +Apache-2\.0/m);
  assert.match(listed.stdout, /^silero-vad-v5 +vad +5 +npm:@ricky0123\/vad-web +MIT/m);
});
