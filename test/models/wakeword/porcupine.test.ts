import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { wakeWordSchema } from "../../../agent/config/wakeword.ts";
import { loadWakeWord } from "../../../models/wakeword/engine.ts";
import { PorcupineDetector, WakeWordBackendError } from "../../../models/wakeword/porcupine.ts";

test("Porcupine without an AccessKey says so and names openWakeWord", async () => {
  await assert.rejects(PorcupineDetector.open(wakeWordSchema.parse({}).porcupine), (e: WakeWordBackendError) => {
    assert.equal(e.reason, "no_key");
    assert.match(e.message, /^wake word backend "porcupine": no Picovoice AccessKey configured \(set wakeword.porcupine.access_key or access_key_file\); use backend "openwakeword"/);
    return true;
  });
});

test("an unreadable AccessKey file is named", async () => {
  const config = wakeWordSchema.parse({ porcupine: { access_key_file: "/nonexistent/picovoice-key" } }).porcupine;
  await assert.rejects(PorcupineDetector.open(config), /cannot read wakeword.porcupine.access_key_file \/nonexistent\/picovoice-key \(ENOENT\)/);
});

test("Porcupine with a key but without the package says the package is missing (it is not installed here)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-porcupine-"));
  writeFileSync(join(dir, "key"), "not-a-real-key\n");
  const config = wakeWordSchema.parse({ porcupine: { access_key_file: join(dir, "key") } }).porcupine;
  await assert.rejects(PorcupineDetector.open(config), (e: WakeWordBackendError) => {
    assert.equal(e.reason, "no_package");
    assert.match(e.message, /package @picovoice\/porcupine-node is not installed \(npm install @picovoice\/porcupine-node\); use backend "openwakeword"/);
    return true;
  });
});

test("start-up falls back to openWakeWord when Porcupine cannot start", async () => {
  const factory = await loadWakeWord(wakeWordSchema.parse({ backend: "porcupine", porcupine: { access_key: "x" } }));
  assert.equal(factory.backend, "openwakeword");
  assert.deepEqual(factory.models, ["alexa"]);
  const engine = await factory.create();
  assert.equal(engine.backend, "openwakeword");
});
