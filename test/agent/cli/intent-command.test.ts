import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const fixtures = join(root, "..", "shared", "data", "intents", "ha-en-fixtures.yaml");
const hearth = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", ...args], { cwd: root, encoding: "utf8" });

test("hearth intent prints the intent, the actions and the response", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const run = hearth("intent", "--fixtures", fixtures, "--area", "Kitchen", "turn", "off", "the", "lights");
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.recognized.slots, { domain: "light", area: "Kitchen" });
  assert.deepEqual(out.resolution.targets.map((x: { entity: string }) => x.entity).sort(), ["light.kitchen_cabinets", "light.kitchen_ceiling", "light.kitchen_countertop"]);
  assert.equal(out.response, "Turned off the kitchen lights");
});

test("hearth intent reads fixtures and custom intents from the config, and names a bad intents file", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const dir = mkdtempSync(join(tmpdir(), "hearth-intent-cli-"));
  writeFileSync(join(dir, "mine.yaml"), "intents:\n  feedCat:\n    data:\n      - sentences: ['feed the cat']\n    response: 'Feeding the cat'\n");
  writeFileSync(join(dir, "config.yaml"), `fixtures: ${fixtures}\nintents:\n  files: [mine.yaml]\n`);
  const run = hearth("intent", "--config", join(dir, "config.yaml"), "feed", "the", "cat");
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).response, "Feeding the cat");

  writeFileSync(join(dir, "mine.yaml"), "intents:\n  feedCat:\n    data:\n      - sentences: ['feed the {pet}']\n");
  const bad = hearth("intent", "--config", join(dir, "config.yaml"), "feed", "the", "cat");
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /mine\.yaml: intents\.feedCat: "feed the \{pet\}": unknown list \{pet\}/);
});
