import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../../agent/config/load.ts";

test("asr and tts sections have defaults", () => {
  const config = parseConfig({});
  assert.equal(config.asr.backend, "moonshine");
  assert.equal(config.asr.rejection.enabled, true);
  assert.equal(config.asr.rejection.max_deficit, 1.2);
  assert.equal(config.asr.beam, 6);
  assert.deepEqual(config.asr.pronunciations, {});
  assert.equal(config.tts.engine, "flite");
  assert.equal(config.tts.sink, "aplay");
});

test("bad pronunciations and unknown asr keys are reported with their path", () => {
  try {
    parseConfig({ asr: { pronunciations: { latte: "l aa t ey", Mocha: "M OW K AH" }, beam: 0, lattice: 3, backend: "whisper" } }, "c.yaml");
    assert.fail("accepted");
  } catch (e) {
    const errors = (e as ConfigError).errors;
    assert.ok(errors.some((l) => l.startsWith("asr.pronunciations.latte: ARPAbet phones")), errors.join("\n"));
    assert.ok(errors.some((l) => l.startsWith("asr.pronunciations.Mocha")), errors.join("\n"));
    assert.ok(errors.includes("asr.lattice: unknown key"), errors.join("\n"));
    assert.ok(errors.some((l) => l.startsWith("asr.beam: ")), errors.join("\n"));
    assert.ok(errors.some((l) => l.startsWith("asr.backend: ")), errors.join("\n"));
  }
});
