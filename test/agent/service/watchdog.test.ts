/**
 * The systemd watchdog end to end: `hearth run` under a NOTIFY_SOCKET, with a
 * recording `systemd-notify` first on PATH (the boundary to systemd, which
 * does not run as init here). READY=1 only once the broker is connected,
 * WATCHDOG=1 pings while the pipelines progress, none while the broker is
 * frozen (a hung connection: the MQTT pipeline goes silent), pings again once
 * it thaws, STOPPING=1 on SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { freePort, Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test("READY after connect, pings while healthy, none while the broker hangs, STOPPING on SIGTERM", { skip: !mosquittoAvailable() && "mosquitto not installed", timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-watchdog-"));
  dirs.push(dir);
  const calls = join(dir, "calls.log");
  writeFileSync(join(dir, "systemd-notify"), `#!/bin/sh\necho "$(date +%s%3N) $*" >> ${calls}\n`);
  chmodSync(join(dir, "systemd-notify"), 0o755);
  const read = () => (existsSync(calls) ? readFileSync(calls, "utf8").trim().split("\n") : []).map((line) => {
    const [ms, ...rest] = line.split(" ");
    return { at: Number(ms), what: rest.join(" ") };
  });
  const port = await freePort();
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, JSON.stringify({
    agent: { id: "watchdog" },
    mqtt: { port, keepalive_s: 1, reconnect_min_ms: 100, reconnect_max_ms: 400 },
    service: { status_socket: join(dir, "s.sock"), stall_after_ms: 1000 },
  }));
  const child = spawn(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "run", "--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NOTIFY_SOCKET: "/run/test-notify.sock", WATCHDOG_USEC: "400000" },
  });
  let output = "";
  child.stderr!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
  });
  const until = async (check: () => boolean, what: string, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; notify calls:\n${read().map((c) => c.what).join("\n")}\n${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // No broker: pings (the session is retrying, which is progress) but no READY.
  await until(() => read().some((c) => c.what.endsWith("WATCHDOG=1")), "a first ping");
  assert.ok(!read().some((c) => c.what.includes("READY=1")), "not ready without the broker");
  const broker = await Mosquitto.start({ port });
  t.after(() => broker.dispose());
  await until(() => read().some((c) => c.what.includes("READY=1")), "READY=1");
  assert.match(read().find((c) => c.what.includes("READY=1"))!.what, new RegExp(`READY=1 STATUS=connected to 127\\.0\\.0\\.1:${port}`));

  // Freeze the broker: no PINGRESP, then a reconnect that hangs in CONNECT — the MQTT pipeline is silent.
  await new Promise((r) => setTimeout(r, 600));
  broker.freeze();
  const frozenAt = Date.now();
  await until(() => /withholding watchdog ping/.test(output), "a withheld ping", 20_000);
  const withheldAt = Date.now();
  await new Promise((r) => setTimeout(r, 1200));
  const pingsWhileStale = read().filter((c) => c.what.endsWith("WATCHDOG=1") && c.at > withheldAt + 200 && c.at < Date.now());
  assert.deepEqual(pingsWhileStale, [], "no pings while the MQTT pipeline is stale");
  process.stdout.write(`# watchdog: pings withheld ${withheldAt - frozenAt} ms after the broker froze\n`);

  broker.thaw();
  const thawedAt = Date.now();
  await until(() => read().some((c) => c.what.endsWith("WATCHDOG=1") && c.at > thawedAt), "pings after the thaw", 20_000);

  child.kill("SIGTERM");
  assert.equal(await exited, 0, output.slice(-2000));
  assert.ok(read().some((c) => c.what.includes("STOPPING=1")), "STOPPING=1 on SIGTERM");
});
