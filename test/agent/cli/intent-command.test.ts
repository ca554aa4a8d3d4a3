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

test("hearth intent answers hearth's own intents and reads the config's HA custom_sentences folder", (t) => {
  if (!existsSync(fixtures)) return t.skip(`../shared absent: ${fixtures} not found`);
  const weather = JSON.parse(hearth("intent", "--fixtures", fixtures, "what's", "the", "weather").stdout);
  assert.deepEqual([weather.recognized.intent, weather.resolution, weather.response], ["HassGetWeather", { kind: "local", understanding: "error", error: "needs_home_assistant" }, "I can't do the weather without Home Assistant."]);
  const timer = JSON.parse(hearth("intent", "--fixtures", fixtures, "set", "a", "timer", "for", "ten", "minutes").stdout);
  assert.deepEqual([timer.recognized.slots, timer.response], [{ minutes: 10 }, "I can keep timers only while the hearth service runs."]);
  const dir = mkdtempSync(join(tmpdir(), "hearth-intent-cli-ha-"));
  writeFileSync(join(dir, "config.yaml"), `fixtures: ${fixtures}\nintents:\n  ha_custom_sentences: ${join(root, "test", "fixtures", "ha-custom-sentences")}\n`);
  const water = hearth("intent", "--config", join(dir, "config.yaml"), "water", "the", "roses");
  assert.equal(water.status, 0, water.stderr);
  assert.deepEqual([JSON.parse(water.stdout).recognized.intent, JSON.parse(water.stdout).response], ["WaterGarden", "Watering the roses"]);
});
