import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", ...args], { encoding: "utf8" });

test("service install stages a unit that systemd-analyze verifies, with exposure OK or better", (t) => {
  const root = mkdtempSync(join(tmpdir(), "hearth-svc-"));
  const run = cli("service", "install", "--root", root, "--user", "hearth");
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /wrote .*etc\/systemd\/system\/hearth.service/);
  assert.match(run.stdout, /skipped \(staged install\): create system user hearth/);
  const unit = join(root, "etc/systemd/system/hearth.service");
  const text = readFileSync(unit, "utf8");
  assert.match(text, /^Type=notify$/m);
  assert.match(text, /^WatchdogSec=\d+$/m);
  assert.match(text, /^User=hearth$/m);
  assert.match(text, /^LoadCredential=mqtt_password:/m);
  assert.match(text, new RegExp(`^ExecStart=${process.execPath.replace(/[/.]/g, "\\$&")} .*bin/hearth.js run --config /etc/hearth/hearth.yaml$`, "m"));
  assert.match(text, /^WorkingDirectory=\/etc\/hearth$/m, "relative config paths resolve against the config's directory");
  assert.doesNotMatch(text, /@[A-Z]+@/);
  assert.equal(statSync(join(root, "etc/hearth/credentials")).mode & 0o777, 0o700);
  if (spawnSync("systemd-analyze", ["--version"]).status !== 0) return t.skip("systemd-analyze not installed");
  execFileSync("systemd-analyze", ["verify", unit], { stdio: "pipe" });
  const security = spawnSync("systemd-analyze", ["security", "--offline=true", unit], { encoding: "utf8" });
  const level = /Overall exposure level for hearth.service: ([\d.]+) (\w+)/.exec(security.stdout);
  assert.ok(level, security.stdout.slice(-500) + security.stderr);
  assert.ok(Number(level[1]) <= 4.9, `exposure ${level[1]} ${level[2]}`);
  const removed = cli("service", "uninstall", "--root", root, "--purge");
  assert.equal(removed.status, 0, removed.stderr);
  assert.equal(existsSync(unit), false);
});
