import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { expandEnvPath } from "../../../agent/config/env-path.ts";
import { loadConfig } from "../../../agent/config/load.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

test("$NAME and ${NAME} expand from the environment; an unset variable names the field", () => {
  const env = { CREDENTIALS_DIRECTORY: "/run/credentials/hearth.service", HOME: "/home/h" };
  assert.equal(expandEnvPath("${CREDENTIALS_DIRECTORY}/mqtt_password", "mqtt.password_file", env), "/run/credentials/hearth.service/mqtt_password");
  assert.equal(expandEnvPath("$HOME/ca.crt", "mqtt.ca", env), "/home/h/ca.crt");
  assert.equal(expandEnvPath("/etc/hearth/plain", "mqtt.ca", env), "/etc/hearth/plain");
  assert.throws(() => expandEnvPath("${CREDENTIALS_DIRECTORY}/x", "mqtt.password_file", {}), /^Error: mqtt\.password_file: \$\{CREDENTIALS_DIRECTORY\}\/x names \$CREDENTIALS_DIRECTORY, which is not set$/);
});

test("examples/hearth.yaml (the service example) is a valid config reading the password from the credentials directory", () => {
  const config = loadConfig(join(root, "examples", "hearth.yaml"));
  assert.equal(config.mqtt.password_file, "${CREDENTIALS_DIRECTORY}/mqtt_password");
  assert.equal(expandEnvPath(config.mqtt.password_file!, "mqtt.password_file", { CREDENTIALS_DIRECTORY: "/run/credentials/hearth.service" }), "/run/credentials/hearth.service/mqtt_password");
});
