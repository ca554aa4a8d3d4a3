import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import mqtt from "mqtt";
import { fetchStatus } from "../../../agent/service/status-server.ts";
import type { SimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { freePort, mosquittoAvailable, type Mosquitto } from "../../helpers/mosquitto.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../../helpers/home-broker.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";
const SECRET = "pw-Hunter2-b7f3c9e1";
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Status {
  broker: { state: string; last_error?: string };
  controller: string;
  health: { pipelines: { name: string; stale: boolean }[] };
}

async function statusWhen(socket: string, check: (s: Status) => boolean, what: string, ms = 15_000): Promise<Status> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fetchStatus(socket, 1000);
      if (check(last as Status)) return last as Status;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
}

test("hearth run: broker absent at start, retries and says so; works once it appears; secrets stay out of logs, events and status; SIGTERM publishes offline within 5 s", { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-run-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // systemd's LoadCredential puts the password in $CREDENTIALS_DIRECTORY; the config names it through the variable.
  const credentials = join(dir, "credentials");
  mkdirSync(credentials);
  writeFileSync(join(credentials, "mqtt_password"), SECRET + "\n", { mode: 0o600 });
  const port = await freePort();
  const metricsPort = await freePort();
  const socket = join(dir, "status.sock");
  const configFile = join(dir, "hearth.yaml");
  writeFileSync(configFile, JSON.stringify({
    agent: { id: "runtest" },
    mqtt: { port, username: "hearth", password_file: "${CREDENTIALS_DIRECTORY}/mqtt_password", reconnect_min_ms: 100, reconnect_max_ms: 400 },
    service: { status_socket: socket, metrics: { host: "127.0.0.1", port: metricsPort } },
  }));

  const child = spawn(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "run", "--config", configFile], {
    env: { ...process.env, CREDENTIALS_DIRECTORY: credentials, HEARTH_LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(() => void (child.exitCode === null && child.kill("SIGKILL")));

  // No broker yet: the agent keeps retrying and `hearth status` says so.
  const waiting = await statusWhen(socket, (s) => s.broker.last_error !== undefined, "a connection failure in status");
  assert.match(waiting.broker.state, /^(connecting|reconnecting)$/);
  assert.match(waiting.broker.last_error!, /ECONNREFUSED/);
  const cli = spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "status", "--config", configFile], { encoding: "utf8" });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`broker 127\\.0\\.0\\.1:${port}: (connecting|reconnecting)`));
  assert.match(cli.stdout, /^ {2}last error: MQTT broker .*ECONNREFUSED/m);
  assert.match(cli.stdout, /^pipelines: mqtt ok \([\d.]+ s since progress, limit 45 s\)/m);

  // The broker appears (with the password the agent reads from its credential file).
  let broker: Mosquitto;
  let home: SimulatedHome;
  ({ broker, home } = await startHomeBroker({ port, users: { hearth: SECRET } }, { username: "hearth", password: SECRET }));
  cleanups.push(() => broker.dispose());
  cleanups.push(() => home.stop());
  const observer = await Observer.connect(broker.url, { username: "hearth", password: SECRET });
  cleanups.push(() => observer.close());
  const connected = await statusWhen(socket, (s) => s.broker.state === "connected", "connected");
  assert.ok(connected.health.pipelines.some((p) => p.name === "mqtt" && !p.stale), JSON.stringify(connected.health));
  await observer.until(() => observer.on("homeassistant/device/runtest/config").length > 0, "hearth's discovery config");

  // A sensitive action over the text topic still asks first.
  await new Promise((r) => setTimeout(r, 500)); // discovery of the home settles
  await observer.client.publishAsync("hearth/runtest/text", "unlock the front door lock", { qos: 1 });
  await observer.until(() => observer.on("hearth/runtest/events").some((m) => m.payload.includes("confirmation_requested")), "a confirmation request");
  assert.equal(observer.on(HOME_TOPICS.frontDoorLock).length, 0, "nothing sent before the answer");
  await observer.client.publishAsync("hearth/runtest/text", "yes", { qos: 1 });
  await observer.until(() => observer.on(HOME_TOPICS.frontDoorLock).length === 1, "the unlock after yes");
  // A pasted secret does not reach the event line.
  await observer.client.publishAsync("hearth/runtest/text", `turn on the ${SECRET}`, { qos: 1 });
  await observer.until(() => observer.on("hearth/runtest/events").length >= 3, "the event for the pasted secret");

  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const reconnects = /^hearth_reconnects_total\{what="mqtt"\} (\d+)$/m.exec(metrics);
  assert.ok(reconnects && Number(reconnects[1]) >= 1, "reconnect attempts are counted");
  assert.match(metrics, /^hearth_pipeline_silent_seconds\{pipeline="mqtt"\} [\d.e-]+$/m);
  assert.match(metrics, /^hearth_commands_total\{origin="mqtt",intent="HassTurnOff",outcome="command"\} 1$/m);
  assert.match(metrics, /^hearth_command_latency_seconds_count\{origin="mqtt"\} [3-9]$/m);
  const status = JSON.stringify(await fetchStatus(socket));

  const t0 = Date.now();
  child.kill("SIGTERM");
  const code = await exited;
  const stopMs = Date.now() - t0;
  assert.equal(code, 0, output.slice(-2000));
  assert.ok(stopMs < 5000, `stopped in ${stopMs} ms`);
  const fresh = await mqtt.connectAsync(broker.url, { username: "hearth", password: SECRET });
  const retained = await new Promise<string>((resolve) => {
    fresh.on("message", (_t, payload) => resolve(payload.toString()));
    void fresh.subscribeAsync("hearth/runtest/status", { qos: 1 });
  });
  await fresh.endAsync();
  assert.equal(retained, "offline");

  assert.ok(output.includes("connected to MQTT broker"), "the log was captured");
  assert.ok(!output.includes(SECRET), "the secret is not in the logs");
  assert.ok(!status.includes(SECRET), "the secret is not in hearth status");
  const leaked = observer.seen.filter((m) => m.topic.startsWith("hearth/") && m.topic !== "hearth/runtest/text" && m.payload.includes(SECRET));
  assert.deepEqual(leaked, [], "the secret is not in anything the agent published");
  assert.ok(observer.on("hearth/runtest/events").some((m) => m.payload.includes("[redacted]")), "the pasted secret was redacted");
});
