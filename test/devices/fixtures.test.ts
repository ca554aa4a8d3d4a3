import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadFixtures } from "../../devices/fixtures.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "shared", "data", "intents", "ha-en-fixtures.yaml");

test("HA's intent fixtures load: areas with floors, {in, out} states, HA object ids", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const registry = loadFixtures(fixtures);
  const plug = registry.get("binary_sensor.phone_plug");
  assert.equal(plug?.state, "on");
  assert.equal(plug?.attributes.state_text, "plugged in");
  assert.equal(plug?.device_class, "plug");
  assert.equal(registry.get("light.kitchen_ceiling")?.floor, "First Floor");
  assert.equal(registry.get("light.kitchen_ceiling")?.area, "Kitchen");
  assert.ok(registry.get("sensor.price_per_kW"));
  assert.equal(registry.get("climate.thermostat")?.attributes.current_temperature, 68);
});

test("a bad entity id names the file and the field", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-fixtures-"));
  const file = join(dir, "bad.yaml");
  writeFileSync(file, "entities:\n  - { name: X, id: nodomain }\n");
  assert.throws(() => loadFixtures(file), (e: Error) => e.message.startsWith(`${file}: entities.0.id: expected domain.object_id`));
});
