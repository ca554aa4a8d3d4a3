/** `DEBUG=mqttjs*` must not print the MQTT password (../shared/attacks/10). */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runHearth } from "../../helpers/hearth-cli.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const SECRET = "Debug-Secret-8731";

test("MQTT.js's debug output has the password redacted", { skip: !mosquittoAvailable() && "mosquitto is not installed: SKIPPING" }, async () => {
  const broker = await Mosquitto.start({ users: { hearth: SECRET } });
  try {
    const dir = mkdtempSync(join(tmpdir(), "hearth-debug-"));
    const config = join(dir, "c.json");
    writeFileSync(config, JSON.stringify({ agent: { id: "debugredact" }, mqtt: { port: broker.port, username: "hearth", password: SECRET } }));
    const result = await runHearth(["devices", "--config", config, "--json", "--wait-ms", "300"], { env: { DEBUG: "mqttjs*" } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /mqttjs/, "MQTT.js debug output is on");
    assert.match(result.stderr, /\[redacted\]/);
    assert.ok(!result.stderr.includes(SECRET) && !result.stdout.includes(SECRET), "the password was printed");
  } finally {
    await broker.stop();
  }
});
