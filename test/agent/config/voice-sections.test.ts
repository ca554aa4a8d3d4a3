import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../../agent/config/load.ts";

test("voice sections have working defaults", () => {
  const config = parseConfig({});
  assert.deepEqual(config.audio, { microphones: [], retry_min_ms: 500, retry_max_ms: 30_000 });
  assert.equal(config.vad.trailing_silence_ms, 700);
  assert.deepEqual(config.wakeword.models, [{ model: "alexa", threshold: 0.5, patience: 1, refractory_ms: 2000 }]);
  assert.equal(config.wakeword.backend, "openwakeword");
});

test("voice config errors carry their path", () => {
  const errors = (doc: object): string => {
    try {
      parseConfig(doc, "v.yaml");
    } catch (e) {
      return (e as ConfigError).errors.join("\n");
    }
    assert.fail("expected a ConfigError");
  };
  assert.match(errors({ audio: { microphones: [{ name: "a", recorder: "pulse" }] } }), /^audio\.microphones\.0\.recorder: /m);
  assert.match(errors({ audio: { microphones: [{ name: "a" }, { name: "a" }] } }), /^audio\.microphones\.1\.name: duplicate microphone name "a"$/m);
  assert.match(errors({ vad: { trailing_silence_ms: 5 } }), /^vad\.trailing_silence_ms: /m);
  assert.match(errors({ vad: { bogus: 1 } }), /^vad\.bogus: unknown key$/m);
  assert.match(errors({ wakeword: { models: [{ model: "alexa", threshold: 2 }] } }), /^wakeword\.models\.0\.threshold: /m);
});
