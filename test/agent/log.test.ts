import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { prettyLogs } from "../../agent/log.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Log two lines from a child process (the format is chosen when the logger module loads) and return its stderr. */
function logFromChild(env: Record<string, string>): string {
  const script = `
    import { addLogSecrets, logger } from "./agent/log.ts";
    addLogSecrets(["hunter2-password"]);
    logger("test/log").info({ broker: "mqtt://127.0.0.1:1883" }, "hearth ready");
    logger("test/log").warn("login with hunter2-password failed");`;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, ...env } });
  assert.equal(child.status, 0, child.stderr);
  return child.stderr;
}

test("logs are JSON lines for journald and pipes, human lines on a terminal, and the flag overrides the guess", () => {
  assert.equal(prettyLogs({}, true), true);
  assert.equal(prettyLogs({}, false), false);
  assert.equal(prettyLogs({ JOURNAL_STREAM: "8:1234" }, true), false, "journald gets JSON even on a terminal");
  assert.equal(prettyLogs({ HEARTH_LOG_FORMAT: "json" }, true), false);
  assert.equal(prettyLogs({ HEARTH_LOG_FORMAT: "pretty" }, false), true);
});

test("JSON log lines carry the module and scrub secrets", () => {
  const lines = logFromChild({ HEARTH_LOG_FORMAT: "json" }).trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.module, l.msg]), [["test/log", "hearth ready"], ["test/log", "login with [redacted] failed"]]);
});

test("human log lines: time, level, message and fields on one line, secrets scrubbed", () => {
  const out = logFromChild({ HEARTH_LOG_FORMAT: "pretty", NO_COLOR: "1" });
  const lines = out.trim().split("\n");
  assert.equal(lines.length, 2, out);
  assert.throws(() => JSON.parse(lines[0]!), "not JSON");
  assert.match(lines[0]!, /^\[\d\d:\d\d:\d\d\] INFO.*hearth ready.*mqtt:\/\/127\.0\.0\.1:1883/);
  assert.match(lines[1]!, /WARN.*login with \[redacted\] failed/);
  assert.doesNotMatch(out, /hunter2/);
});
