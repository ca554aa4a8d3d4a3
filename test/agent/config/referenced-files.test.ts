import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { referencedFileProblems } from "../../../agent/config/referenced-files.ts";

test("every missing file the config names is listed with its path", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-files-"));
  writeFileSync(join(dir, "ca.pem"), "x");
  const config = parseConfig({
    mqtt: { password_file: "${CREDENTIALS_DIRECTORY}/mqtt_password", ca: join(dir, "ca.pem"), cert: join(dir, "missing.pem") },
    wakeword: { models: [{ model: "alexa" }, { model: join(dir, "hey_hearth.onnx") }] },
    cameras: [{ name: "porch", file: join(dir, "porch.mp4"), area: "Porch" }],
  });
  assert.deepEqual(referencedFileProblems(config, {}), [
    "mqtt.password_file: ${CREDENTIALS_DIRECTORY}/mqtt_password names $CREDENTIALS_DIRECTORY, which is not set",
    `mqtt.cert: ${join(dir, "missing.pem")}: no such file`,
    `wakeword.models.1.model: ${join(dir, "hey_hearth.onnx")}: no such file`,
    `cameras.0.file: ${join(dir, "porch.mp4")}: no such file`,
  ]);
  writeFileSync(join(dir, "mqtt_password"), "pw");
  assert.equal(referencedFileProblems(config, { CREDENTIALS_DIRECTORY: dir }).filter((p) => p.startsWith("mqtt.password_file")).length, 0);
});
