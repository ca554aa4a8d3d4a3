/**
 * An invalid configuration stops every command that reads one before it
 * touches the broker: the process prints every error with its path under the
 * file's name, prints nothing on stdout, and exits 2 — `hearth run`,
 * `hearth say`, `hearth config check`, `hearth status` and `hearth devices`.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runHearth, writeConfigFile } from "../helpers/hearth-cli.ts";

/** A config with one error in every section, each of a different kind. */
const INVALID = [
  "agent:",
  "  id: Not Valid",
  "  confirmation_timeout_ms: fast",
  "mqtt:",
  "  port: 99999",
  "  protocol: ftp",
  "  tls: yes",
  "homeassistant:",
  "  max_payload_bytes: 12",
  "areas:",
  "  - name: Kitchen",
  "    floorr: ground",
  "  - id: hall",
  "entities:",
  "  light.kitchen: { aliases: kitchen lamp }",
  "service:",
  "  metrics: { port: -1 }",
  "bogus: 1",
];
/** Each error line, as `path: message` (the message's start). */
const EXPECTED = [
  "agent.id: lower-case letters, digits, _ and - only",
  "agent.confirmation_timeout_ms: Invalid input: expected number, received string",
  "mqtt.port: Too big: expected number to be <=65535",
  'mqtt.protocol: Invalid option: expected one of "mqtt"|"mqtts"',
  "mqtt.tls: unknown key",
  "homeassistant.max_payload_bytes: Too small: expected number to be >=256",
  "areas.0.floorr: unknown key",
  "areas.1.name: Invalid input: expected string, received undefined",
  "entities.light.kitchen.aliases: Invalid input: expected array, received string",
  "service.metrics.port: Too small: expected number to be >=0",
  "bogus: unknown key",
];

function argsFor(command: string, config: string): string[] {
  if (command === "config check") return ["config", "check", config];
  if (command === "say") return ["say", "turn on the kitchen light", "--config", config];
  return [command, "--config", config];
}

const COMMANDS = ["run", "say", "config check", "status", "devices"];

test("every command that reads an invalid config prints all its errors with their paths and exits 2", async () => {
  const config = writeConfigFile(INVALID);
  const results = await Promise.all(COMMANDS.map((command) => runHearth(argsFor(command, config))));
  results.forEach((result, i) => {
    const what = `hearth ${COMMANDS[i]}`;
    assert.equal(result.code, 2, `${what}: ${result.stderr}`);
    assert.equal(result.stdout, "", what);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `${config}: invalid configuration`, what);
    assert.deepEqual(lines.slice(1).map((l) => l.trim()), EXPECTED, what);
  });
});

test("the fixtures and intents files a config names are checked too, every one, and exit 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-e2e-refs-"));
  const badIntents = join(dir, "intents.yaml");
  writeFileSync(badIntents, "intents:\n  - name: X\n");
  const socket = join(dir, "status.sock");
  const config = writeConfigFile([
    `fixtures: ${join(dir, "missing-fixtures.yaml")}`,
    `intents: { files: [${join(dir, "missing-intents.yaml")}, ${badIntents}] }`,
    `service: { status_socket: ${socket} }`,
  ]);
  const results = await Promise.all(["run", "say", "config check"].map((command) => runHearth(argsFor(command, config))));
  for (const result of results) {
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, "");
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `${config}: invalid configuration`);
    assert.match(lines[1]!, new RegExp(`^  fixtures: ${join(dir, "missing-fixtures.yaml")}: cannot read fixtures: ENOENT`));
    assert.match(lines[2]!, new RegExp(`^  intents\\.files\\.0: ${join(dir, "missing-intents.yaml")}: ENOENT`));
    assert.match(lines[3]!, new RegExp(`^  intents\\.files\\.1: ${badIntents}: invalid intents file`));
    assert.ok(lines.length > 4, "the intents file's own errors follow");
  }
  // hearth run gave up before opening its status socket.
  assert.equal(existsSync(socket), false);
});

test("a missing or non-YAML config file is named and exits 2", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-e2e-yaml-"));
  const notYaml = join(dir, "broken.yaml");
  writeFileSync(notYaml, "mqtt: [unclosed\n");
  const missing = join(dir, "missing.yaml");
  const [broken, absent] = await Promise.all([runHearth(["run", "--config", notYaml]), runHearth(["say", "hello", "--config", missing])]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, new RegExp(`^${notYaml}: invalid configuration\\n  not valid YAML: `));
  assert.equal(absent.code, 2);
  assert.equal(absent.stderr, `${missing}: invalid configuration\n  cannot read: ENOENT\n`);
});
