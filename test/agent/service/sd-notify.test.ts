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
  const pings = () => r.calls().filter((c) => c.endsWith("WATCHDOG=1")).length;
  // Poll rather than sleep a fixed time: spawning systemd-notify is slow on a loaded machine.
  for (let waited = 0; pings() < 2 && waited < 10_000; waited += 50) await new Promise((res) => setTimeout(res, 50));
  assert.ok(pings() >= 2, `expected pings, got ${pings()}`);
  healthy = false;
  // Let pings already in flight land, then none may follow.
  let settled = pings();
  for (let quiet = 0; quiet < 500; ) {
    await new Promise((res) => setTimeout(res, 100));
    if (pings() === settled) quiet += 100;
    else (settled = pings()), (quiet = 0);
  }
  await new Promise((res) => setTimeout(res, 400));
  n.stopWatchdog();
  assert.equal(pings(), settled, "no pings while a pipeline is stale");
});
