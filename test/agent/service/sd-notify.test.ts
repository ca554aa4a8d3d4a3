import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SystemdNotifier } from "../../../agent/service/sd-notify.ts";

// A recording stand-in for the systemd-notify program: the boundary to systemd, which this machine does not run as init.
function recorder() {
  const dir = mkdtempSync(join(tmpdir(), "hearth-notify-"));
  const log = join(dir, "calls.log");
  const program = join(dir, "systemd-notify");
  writeFileSync(program, `#!/bin/sh\necho "$NOTIFY_SOCKET $*" >> ${log}\n`);
  chmodSync(program, 0o755);
  return { program, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

test("no NOTIFY_SOCKET: every call is a no-op", async () => {
  const r = recorder();
  const n = new SystemdNotifier({}, r.program);
  assert.equal(n.enabled, false);
  assert.equal(await n.ready("up"), false);
  assert.equal(n.watchdogIntervalMs, undefined);
  assert.deepEqual(r.calls(), []);
});

test("ready, status and stopping reach systemd-notify with the socket", async () => {
  const r = recorder();
  const n = new SystemdNotifier({ NOTIFY_SOCKET: "/run/test.sock" }, r.program);
  assert.equal(await n.ready("listening"), true);
  await n.status("2 cameras");
  await n.stopping();
  const calls = r.calls();
  assert.match(calls[0]!, /^\/run\/test\.sock --pid=\d+ READY=1 STATUS=listening$/);
  assert.match(calls[1]!, /STATUS=2 cameras$/);
  assert.match(calls[2]!, /STOPPING=1 STATUS=stopping$/);
});

test("the watchdog pings only while the pipelines are healthy", async () => {
  const r = recorder();
  const n = new SystemdNotifier({ NOTIFY_SOCKET: "/run/test.sock", WATCHDOG_USEC: "100000" }, r.program);
  assert.equal(n.watchdogIntervalMs, 50);
  let healthy = true;
  n.startWatchdog(() => ({ healthy, stale: healthy ? [] : ["camera:porch"] }));
  await new Promise((res) => setTimeout(res, 300));
  const pingsWhileHealthy = r.calls().filter((c) => c.endsWith("WATCHDOG=1")).length;
  assert.ok(pingsWhileHealthy >= 2, `expected pings, got ${pingsWhileHealthy}`);
  healthy = false;
  await new Promise((res) => setTimeout(res, 120));
  const before = r.calls().length;
  await new Promise((res) => setTimeout(res, 250));
  n.stopWatchdog();
  assert.equal(r.calls().length, before, "no pings while a pipeline is stale");
});
