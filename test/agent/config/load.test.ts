import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, parseConfig } from "../../../agent/config/load.ts";

test("built-in defaults validate", () => {
  const config = parseConfig({});
  assert.equal(config.mqtt.port, 1883);
  assert.equal(config.homeassistant.discovery_prefix, "homeassistant");
  assert.equal(config.agent.id, "hearth");
});

test("every error is reported with its path", () => {
  const err = assert.throws(() => parseConfig({ mqtt: { port: "1883", bogus: true }, agent: { id: "Bad Id" } }, "x.yaml"), ConfigError) as unknown;
  void err;
  try {
    parseConfig({ mqtt: { port: "1883", bogus: true }, agent: { id: "Bad Id" } }, "x.yaml");
  } catch (e) {
    const errors = (e as ConfigError).errors;
    assert.ok(errors.some((l) => l.startsWith("mqtt.port: ") && l.includes("expected number")), errors.join("\n"));
    assert.ok(errors.includes("mqtt.bogus: unknown key"), errors.join("\n"));
    assert.ok(errors.some((l) => l.startsWith("agent.id: ")), errors.join("\n"));
    assert.equal(errors.length, 3);
  }
});

test("unreadable and non-YAML files name the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-config-"));
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "mqtt: [unclosed\n");
  assert.throws(() => loadConfig(bad), (e: ConfigError) => e.file === bad && /not valid YAML/.test(e.errors[0]!));
  assert.throws(() => loadConfig(join(dir, "missing.yaml")), (e: ConfigError) => /cannot read: ENOENT/.test(e.errors[0]!));
});

test("hearth config check exits 2 and prints every error", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-config-"));
  const file = join(dir, "c.yaml");
  writeFileSync(file, "mqtt:\n  port: high\n  tls: yes\nagent:\n  confirmation_timeout_ms: -1\n");
  const run = spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "config", "check", file], { encoding: "utf8" });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /mqtt\.port: .*expected number/);
  assert.match(run.stderr, /mqtt\.tls: unknown key/);
  assert.match(run.stderr, /agent\.confirmation_timeout_ms: /);
});
