/**
 * `hearth run` with the vision stage: a corrupt detector model stops start-up
 * at once with the path and both checksums; a camera (a looping recording) is
 * a watched pipeline whose frames show in status and metrics; a microphone
 * that keeps failing restarts with backoff while typed commands still work.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { fetchStatus } from "../../../agent/service/status-server.ts";
import { HearthProcess } from "../../helpers/hearth-cli.ts";
import { Observer, startHomeBroker } from "../../helpers/home-broker.ts";
import { freePort, Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const VIDEO = join(root, "..", "shared", "data", "video", "one-by-one-person-detection.mp4");
const MODELS = join(root, "..", "shared", "models");
const YOLOX_SHA256 = "e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd";
const haveFfmpeg = spawnSync("ffmpeg", ["-version"]).status === 0;

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hearth-pipelines-"));
  dirs.push(dir);
  return dir;
}

test("a corrupt detector model: hearth run fails fast naming the file and both sha256, exit code 1", (t) => {
  if (!existsSync(VIDEO)) return t.skip(`../shared absent: ${VIDEO}`);
  const dir = tempDir();
  const garbage = Buffer.from("not an onnx model, truncated download".repeat(100));
  writeFileSync(join(dir, "yolox_nano.onnx"), garbage);
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, JSON.stringify({ agent: { id: "corrupt" }, service: { status_socket: join(dir, "s.sock") }, cameras: [{ name: "porch", file: VIDEO, area: "Porch" }] }));
  const started = Date.now();
  const run = spawnSync(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "run", "--config", config], {
    cwd: root, encoding: "utf8", timeout: 30_000, env: { ...process.env, HEARTH_MODEL_DIR: dir },
  });
  const actual = createHash("sha256").update(garbage).digest("hex");
  assert.equal(run.status, 1, run.stderr.slice(-2000));
  assert.match(run.stderr, new RegExp(`hearth: model yolox-nano: ${join(dir, "yolox_nano.onnx").replace(/[.]/g, "\\.")} is corrupt: sha256 ${actual}, expected ${YOLOX_SHA256}`));
  process.stdout.write(`# corrupt model: exit ${run.status} after ${Date.now() - started} ms\n`);
});

test("a camera is a watched pipeline: frames in status health and in metrics", { skip: !mosquittoAvailable() ? "mosquitto not installed" : !haveFfmpeg ? "ffmpeg not installed" : false, timeout: 60_000 }, async (t) => {
  if (!existsSync(VIDEO) || !existsSync(join(MODELS, "yolox_nano.onnx"))) return t.skip(`../shared absent: ${VIDEO} or ${MODELS}/yolox_nano.onnx`);
  const dir = tempDir();
  const broker = await Mosquitto.start();
  t.after(() => broker.dispose());
  const metricsPort = await freePort();
  const socket = join(dir, "s.sock");
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, JSON.stringify({
    agent: { id: "camera" },
    mqtt: { port: broker.port },
    service: { status_socket: socket, metrics: { host: "127.0.0.1", port: metricsPort } },
    cameras: [{ name: "porch", file: VIDEO, loop: true, area: "Porch", fps: 2 }],
  }));
  const agent = HearthProcess.start(["run", "--config", config], { HEARTH_MODEL_DIR: MODELS });
  t.after(() => agent.stop());
  type Status = { health: { pipelines: { name: string; silent_ms: number; stale: boolean }[] } };
  const deadline = Date.now() + 40_000;
  let camera: Status["health"]["pipelines"][number] | undefined;
  let frames = 0;
  let runs = 0;
  let models: { model: string; count: number }[] = [];
  while (Date.now() < deadline && agent.running) {
    const status = (await fetchStatus(socket, 1000).catch(() => undefined)) as Status | undefined;
    camera = status?.health.pipelines.find((p) => p.name === "camera:porch");
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => "");
    frames = Number(/^hearth_frames_total\{camera="porch"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    runs = Number(/^hearth_inference_runs\{model="[^"]*yolox_nano\.onnx",provider="cpu"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
    models = (status as { models?: { model: string; count: number }[] } | undefined)?.models ?? [];
    if (camera && frames >= 3 && runs >= 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(camera, `camera:porch among the pipelines:\n${agent.stderr.slice(-3000)}`);
  assert.equal(camera.stale, false);
  assert.ok(camera.silent_ms < 5000, `last frame ${camera.silent_ms} ms ago`);
  assert.ok(frames >= 3, `${frames} frames counted`);
  assert.ok(runs >= 3, `${runs} detector runs in hearth_inference_runs`);
  assert.ok(models.some((m) => m.model.endsWith("yolox_nano.onnx") && m.count > 0), `models in status: ${JSON.stringify(models)}`);
});

test("a microphone whose recorder keeps exiting restarts with backoff while the agent keeps serving typed commands", { skip: !mosquittoAvailable() ? "mosquitto not installed" : spawnSync("sox", ["--version"]).status !== 0 ? "sox not installed" : false, timeout: 60_000 }, async (t) => {
  if (!existsSync(MODELS)) return t.skip(`../shared absent: ${MODELS}`);
  const dir = tempDir();
  const { broker, home } = await startHomeBroker();
  t.after(async () => {
    await home.stop();
    await broker.dispose();
  });
  const observer = await Observer.connect(broker.url);
  t.after(() => observer.close());
  const metricsPort = await freePort();
  const socket = join(dir, "s.sock");
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, JSON.stringify({
    agent: { id: "mic" },
    mqtt: { port: broker.port },
    service: { status_socket: socket, metrics: { host: "127.0.0.1", port: metricsPort } },
    audio: { microphones: [{ name: "hall", recorder: "sox", device: "hearth-no-such-device" }], retry_min_ms: 200, retry_max_ms: 800 },
  }));
  const agent = HearthProcess.start(["run", "--config", config], { HEARTH_MODEL_DIR: MODELS });
  t.after(() => agent.stop());
  type Status = { microphones?: Record<string, string>; health: { pipelines: { name: string; stale: boolean }[] } };
  const metricsText = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => "");
  const deadline = Date.now() + 40_000;
  let status: Status | undefined;
  let restarts = 0;
  while (Date.now() < deadline && agent.running) {
    status = (await fetchStatus(socket, 1000).catch(() => undefined)) as Status | undefined;
    restarts = Number(/^hearth_reconnects_total\{what="microphone:hall"\} (\d+)$/m.exec(await metricsText())?.[1] ?? 0);
    if (restarts >= 3) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(restarts >= 3, `microphone restarts counted: ${restarts}\n${agent.stderr.slice(-3000)}`);
  assert.match(status?.microphones?.hall ?? "", /^restarting: audio source microphone hall: sox \(device hearth-no-such-device\) exited/);
  const mic = status!.health.pipelines.find((p) => p.name === "microphone:hall");
  assert.ok(mic && !mic.stale, "a restarting microphone is watched and not stale");
  // The other inputs keep working.
  await observer.client.publishAsync("hearth/mic/text", "turn on the coffee machine", { qos: 1 });
  await observer.until(() => observer.on("zigbee2mqtt/coffee_machine/set").length === 1, "the typed command while the microphone restarts");
  assert.ok(agent.running, "the agent is still running");
});
