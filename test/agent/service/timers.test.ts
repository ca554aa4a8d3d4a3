/**
 * Timers, delayed commands and broadcasts end to end: a real mosquitto with
 * the simulated home, the agent as the service runs it (timers kept in a
 * SQLite file, speech on), and speech captured at the speaker device
 * boundary — an `aplay` on PATH that keeps each WAV it is piped with the
 * ALSA device it was told (`-D`). The agent is stopped and started again in
 * between, as a restart of the service would.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import type { Config } from "../../../agent/config/schema.ts";
import type { SessionEvent } from "../../../agent/controller/types.ts";
import type { SimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import type { TimerFinishedEvent } from "../../../agent/local/timer-finish.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { parseWav } from "../../../models/tts/wav.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../../helpers/home-broker.ts";
import { mosquittoAvailable, type Mosquitto } from "../../helpers/mosquitto.ts";

const skip = mosquittoAvailable() ? undefined : "mosquitto is not installed";
const AGENT_ID = "timers-e2e";
const EVENTS = `hearth/${AGENT_ID}/events`;
const KITCHEN = { kind: "voice" as const, source: "kitchen-mic", area: "Kitchen" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let broker: Mosquitto;
let home: SimulatedHome;
let observer: Observer;
let config: Config;
let captures: string;
let agent: Agent | undefined;
const originalPath = process.env.PATH;

/** WAVs the fake aplay received, as [device, duration in ms], oldest first. */
function played(): [string, number][] {
  // Only finished captures: the fake aplay renames each once its input is complete.
  return readdirSync(captures).filter((file) => file.endsWith(".wav")).sort().map((file) => {
    const audio = parseWav(readFileSync(join(captures, file)), file);
    return [file.replace(/^\d+-/, "").replace(/\.wav$/, ""), Math.round((audio.samples.length / audio.sampleRate) * 1000)];
  });
}

async function startAgent(): Promise<Agent> {
  const started = new Agent(config, { textTopic: true, keepTimers: true, speak: true });
  await started.start();
  await started.settle();
  await started.timersStarted;
  return started;
}

function timerEvents(): TimerFinishedEvent[] {
  return observer.on(EVENTS).map((m) => JSON.parse(m.payload) as { type: string }).filter((e): e is TimerFinishedEvent => e.type === "timer_finished");
}

before(async () => {
  if (skip) return;
  ({ broker, home } = await startHomeBroker());
  observer = await Observer.connect(broker.url);
  const dir = mkdtempSync(join(tmpdir(), "hearth-timers-e2e-"));
  captures = join(dir, "played");
  const bin = join(dir, "bin");
  mkdirSync(captures);
  mkdirSync(bin);
  // The speaker boundary: what hearth pipes to aplay, kept per device.
  writeFileSync(join(bin, "aplay"), `#!/bin/sh\ndev=default\nwhile [ $# -gt 0 ]; do case "$1" in -D) dev="$2"; shift 2;; *) shift;; esac; done\nf="${captures}/$(date +%s%N)-$dev"\ncat > "$f.part" && mv "$f.part" "$f.wav"\n`);
  chmodSync(join(bin, "aplay"), 0o755);
  process.env.PATH = `${bin}:${originalPath}`;
  config = parseConfig({
    agent: { id: AGENT_ID },
    mqtt: { port: broker.port, reconnect_min_ms: 100, reconnect_max_ms: 400 },
    homeassistant: { announce: false },
    tts: { engine: "flite", sink: "aplay" },
    audio: { microphones: [{ name: "kitchen-mic", area: "Kitchen", speaker: "plughw:kitchen" }, { name: "hall-mic", area: "Hallway", speaker: "plughw:hall" }] },
    timers: { path: join(dir, "timers.db"), late_command_limit_s: 60 },
  });
});

after(async () => {
  process.env.PATH = originalPath;
  await agent?.stop();
  await home?.stop();
  await observer?.close();
  await broker?.dispose();
});

test("a timer set from the kitchen microphone finishes while the agent is down, and is spoken on the kitchen speaker when it starts again", { skip }, async () => {
  agent = await startAgent();
  const set = await agent.submit("set a tea timer for 2 seconds", KITCHEN);
  assert.equal(set.response, "Tea timer set for 2 seconds.");
  assert.deepEqual(set.messages, []);
  await agent.stop();
  agent = undefined;
  await sleep(3500);
  assert.deepEqual(played(), [], "nothing spoken while the agent was down");

  agent = await startAgent();
  await observer.until(() => timerEvents().length === 1, "the timer_finished event");
  const [event] = timerEvents();
  assert.equal(event!.timer.name, "tea");
  assert.equal(event!.timer.duration_s, 2);
  assert.deepEqual(event!.origin, KITCHEN);
  assert.ok(event!.late_s >= 1, `late by ${event!.late_s} s`);
  assert.match(event!.response, /^Your tea timer is done\. It finished \d seconds? ago, while I was not running\.$/);
  await observer.until(() => played().length === 1, "the announcement at the speaker");
  const [[device, ms]] = played() as [[string, number]];
  assert.equal(device, "plughw:kitchen", "the speaker of the microphone that set it");
  assert.ok(ms > 2000, `a spoken sentence of ${ms} ms`);
  assert.deepEqual(agent.timers!.list(), []);
});

test("a delayed command is published at its time, through the controller, from the area it was set in", { skip }, async () => {
  agent ??= await startAgent();
  const before = observer.on(HOME_TOPICS.kitchenCeiling).length;
  const setAt = Date.now();
  const set = await agent.submit("turn on the kitchen ceiling in 1 second", KITCHEN);
  assert.equal(set.response, "Okay, in 1 second I'll turn on the kitchen ceiling.");
  assert.deepEqual(set.messages, [], "not now");
  await sleep(500);
  assert.equal(observer.on(HOME_TOPICS.kitchenCeiling).length, before, "not before its time");
  const commandEvent = new Promise<SessionEvent>((resolve) => agent!.on("event", (e) => e.origin.kind === "timer" && resolve(e)));
  await observer.until(() => observer.on(HOME_TOPICS.kitchenCeiling).length > before, "the delayed command");
  const message = observer.on(HOME_TOPICS.kitchenCeiling).at(-1)!;
  assert.ok(message.at - setAt >= 1000, `published ${message.at - setAt} ms after it was set`);
  assert.equal(message.payload, "ON");
  const event = await commandEvent;
  assert.equal(event.intent, "HassTurnOn");
  assert.deepEqual(event.targets, ["light.kitchen_ceiling"]);
  assert.equal(event.origin.area, "Kitchen");
  assert.match(event.origin.source ?? "", /^timer:/);
});

test("a delayed command due while the agent is down runs when it starts again; one too late is dropped and said", { skip }, async () => {
  agent ??= await startAgent();
  const before = observer.on(HOME_TOPICS.kitchenCeiling).length;
  await agent.submit("in 2 seconds turn off the kitchen ceiling", KITCHEN);
  await agent.stop();
  agent = undefined;
  await sleep(2500);
  assert.equal(observer.on(HOME_TOPICS.kitchenCeiling).length, before, "nothing while down");
  agent = await startAgent();
  await observer.until(() => observer.on(HOME_TOPICS.kitchenCeiling).length > before, "the delayed command after the restart");
  assert.equal(observer.on(HOME_TOPICS.kitchenCeiling).at(-1)!.payload, "OFF");
  const finished = timerEvents().at(-1)!;
  assert.deepEqual([finished.timer.command, finished.command_outcome], ["turn off the kitchen ceiling", "run"]);
  assert.ok(finished.late_s >= 0);

  // Past timers.late_command_limit_s (here 0 s, and the agent down 1.5 s past due): not run, and the setter is told.
  await agent.stop();
  config = { ...config, timers: { ...config.timers, late_command_limit_s: 0 } };
  agent = await startAgent();
  const spokenBefore = played().length;
  await agent.submit("in 1 second turn on the kitchen ceiling", KITCHEN);
  await agent.stop();
  agent = undefined;
  await sleep(2500);
  const published = observer.on(HOME_TOPICS.kitchenCeiling).length;
  agent = await startAgent();
  await observer.until(() => timerEvents().at(-1)?.command_outcome === "too_late", "the dropped command's event");
  assert.match(timerEvents().at(-1)!.response, /^I did not turn on the kitchen ceiling: it was due \d seconds? ago, while I was not running\.$/);
  await observer.until(() => played().length > spokenBefore, "the note on the kitchen speaker");
  assert.equal(played().at(-1)![0], "plughw:kitchen");
  await sleep(300);
  assert.equal(observer.on(HOME_TOPICS.kitchenCeiling).length, published, "the late command was not sent");
});

test("a broadcast is spoken on every speaker; it publishes no device command", { skip }, async () => {
  agent ??= await startAgent();
  const spokenBefore = played().length;
  const messagesBefore = observer.seen.filter((m) => !m.topic.startsWith("hearth/")).length;
  const event = await agent.submit("broadcast dinner is ready", { kind: "voice", source: "hall-mic", area: "Hallway" });
  assert.deepEqual([event.intent, event.slots, event.response, event.messages], ["HassBroadcast", { message: "dinner is ready" }, "Done.", []]);
  await observer.until(() => played().length >= spokenBefore + 2, "the broadcast on both speakers");
  assert.deepEqual(played().slice(spokenBefore).map(([device]) => device).sort(), ["plughw:hall", "plughw:kitchen"]);
  assert.equal(observer.seen.filter((m) => !m.topic.startsWith("hearth/")).length, messagesBefore, "no device message");
});
