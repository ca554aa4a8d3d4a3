import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import mqtt from "mqtt";
import { Mosquitto, mosquittoAvailable } from "../helpers/mosquitto.ts";
import { sharedData, sharedDataMissing } from "../helpers/shared-data.ts";

const skip = sharedDataMissing() ?? (!mosquittoAvailable() ? "mosquitto not installed" : false);

/** Run the CLI, resolving with its stdout lines once it exits. */
function hearth(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "agent/cli/main.ts", ...args], { env: { ...process.env, HEARTH_LOG_LEVEL: "warn" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code, lines: out.trim().split("\n").filter(Boolean), stderr: err }));
  });
}

test("a real \"alexa\" clip followed by a real coffee order → hearth listen → the order on the coffee maker's topic", { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-listen-"));
  const clip = join(dir, "alexa-then-order.wav");
  const made = spawnSync("ffmpeg", [
    "-loglevel", "error", "-y",
    "-i", sharedData("wakeword/alexa/alexa_010.flac"),
    "-i", sharedData("spoken-commands/barista/clips/barista_001.flac"),
    "-filter_complex", "[0:a]aresample=16000,apad=pad_dur=0.3[a];[1:a]aresample=16000[b];[a][b]concat=n=2:v=0:a=1",
    "-ac", "1", "-ar", "16000", clip,
  ]);
  assert.equal(made.status, 0, String(made.stderr));

  const broker = await Mosquitto.start();
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, `agent: { id: listen-e2e }\nmqtt: { port: ${broker.port} }\nintents: { files: [${join(process.cwd(), "examples/barista.yaml")}] }\n`);
  const observer = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const orders: { payload: string; qos: number; retain: boolean }[] = [];
  observer.on("message", (_topic, payload, packet) => orders.push({ payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
  await observer.subscribeAsync("kitchen/coffee_maker/order", { qos: 1, rap: true });
  try {
    const run = await hearth(["listen", "--config", config, "--input", clip, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const events = run.lines.map((l) => JSON.parse(l));
    const types = events.map((e) => e.type);
    assert.deepEqual(types.filter((t) => ["wake", "transcript", "intent", "command"].includes(t)), ["wake", "transcript", "intent", "command"]);
    assert.equal(events.find((e) => e.type === "wake").model, "alexa");
    const intent = events.find((e) => e.type === "intent");
    assert.equal(intent.intent, "orderDrink");
    assert.deepEqual(intent.slots, { coffeeDrink: "coffee", sugarAmount: "sweetener" }, "barista_001 is labelled coffee + sweetener");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(orders, [{ payload: JSON.stringify({ coffeeDrink: "coffee", sugarAmount: "sweetener" }), qos: 1, retain: false }]);
  } finally {
    await observer.endAsync();
    await broker.stop();
  }
});

test("without a wake word the same order is ignored, and music produces no command", { skip, timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-listen-"));
  const music = join(dir, "music.wav");
  assert.equal(spawnSync("ffmpeg", ["-loglevel", "error", "-y", "-t", "30", "-i", sharedData("noise/music_frozen_bubble_1.flac"), "-ac", "1", "-ar", "16000", music]).status, 0);
  const config = join(dir, "hearth.yaml");
  writeFileSync(config, `intents: { files: [${join(process.cwd(), "examples/barista.yaml")}] }\n`);
  const run = await hearth(["listen", "--offline", "--config", config, "--input", sharedData("spoken-commands/barista/clips/barista_001.flac"), music, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const types = run.lines.map((l) => JSON.parse(l).type);
  assert.ok(!types.includes("wake") && !types.includes("command"), types.join(","));
});
