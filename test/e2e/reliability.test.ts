/**
 * End to end: no typed command the broker acknowledged is lost or acted on
 * twice, across broker restarts and a killed hearth. `hearth run` is a child
 * process on its own mosquitto with persistence; a custom intent turns
 * "rel ping N" into one QoS 2 message on `rel/seq` (QoS 2 so the count on
 * that leg is exact), and a persistent recorder counts what reached it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { HearthProcess, writeConfigFile } from "../helpers/hearth-cli.ts";
import { Mosquitto, mosquittoAvailable } from "../helpers/mosquitto.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";
const ID = "e2e-rel";
const TEXT = `hearth/${ID}/text`;
const SEQ = "rel/seq";

let broker: Mosquitto;
let socket: string;
let config: string;
let hearth: HearthProcess;
let recorder: MqttClient;
let sender: MqttClient;
/** Payloads seen on rel/seq, in arrival order. */
const acted: string[] = [];
const events: { type: string; text: string; error?: string }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: () => string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}\nhearth log tail:\n${hearth.stderr.slice(-3000)}`);
    await sleep(20);
  }
}
/** How often each of 0..n-1 reached the device topic. */
function counts(from: number, n: number): { lost: number[]; twice: number[] } {
  const seen = new Map<string, number>();
  for (const p of acted) seen.set(p, (seen.get(p) ?? 0) + 1);
  const lost: number[] = [];
  const twice: number[] = [];
  for (let k = from; k < from + n; k++) {
    const c = seen.get(String(k)) ?? 0;
    if (c === 0) lost.push(k);
    if (c > 1) twice.push(k);
  }
  return { lost, twice };
}

before(async () => {
  if (skip) return;
  broker = await Mosquitto.start({ persistence: true });
  const dir = mkdtempSync(join(tmpdir(), "hearth-e2e-rel-"));
  const intents = join(dir, "seq-intents.yaml");
  writeFileSync(intents, [
    "language: en",
    "intents:",
    "  relPing:",
    "    data:",
    '      - sentences: ["rel ping {n}"]',
    "    action:",
    `      mqtt: { topic: ${SEQ}, payload: "{{ slots.n }}", qos: 2, retain: false }`,
    '    response: "ok {{ slots.n }}"',
    "lists:",
    "  n:",
    "    range: { from: 0, to: 99999 }",
    "",
  ].join("\n"));
  socket = join(dir, "status.sock");
  config = writeConfigFile([
    `agent: { id: ${ID} }`,
    `mqtt: { host: 127.0.0.1, port: ${broker.port}, reconnect_min_ms: 200, reconnect_max_ms: 2000 }`,
    `intents: { files: [${intents}] }`,
    `service: { status_socket: ${socket} }`,
    "homeassistant: { announce: false }",
  ]);
  // Both clients keep their sessions, as HA's does: the broker queues for them across its restarts.
  recorder = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: `rel-recorder-${process.pid}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 100 });
  recorder.on("message", (topic, payload) => {
    if (topic === SEQ) acted.push(payload.toString());
    else events.push(JSON.parse(payload.toString()) as { type: string; text: string });
  });
  await recorder.subscribeAsync([SEQ], { qos: 2 });
  await recorder.subscribeAsync([`hearth/${ID}/events`], { qos: 0 });
  sender = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: `rel-sender-${process.pid}`, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 }, reconnectPeriod: 100 });
  hearth = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "info", HEARTH_LOG_FORMAT: "json" });
  await hearth.waitUntilReady(socket, 0, 60_000);
});

after(async () => {
  await hearth?.stop("SIGKILL");
  await recorder?.endAsync(true);
  await sender?.endAsync(true);
  await broker?.dispose();
});

test("two broker restarts while typed commands arrive at 20/s: none lost, none acted on twice", { skip, timeout: 120_000 }, async () => {
  const n = 80;
  const sent: Promise<unknown>[] = [];
  const started = Date.now();
  for (let k = 0; k < n; k++) {
    const due = started + k * 50;
    if (due > Date.now()) await sleep(due - Date.now());
    // A command id: a publisher's own resend after the broker restart (its PUBLISH with DUP) must not act twice.
    sent.push(sender.publishAsync(TEXT, JSON.stringify({ id: `b-${k}`, text: `rel ping ${k}` }), { qos: 1 }));
    if (k === 20 || k === 50) {
      // Stopped cleanly (mosquitto writes its database), down for a second while the sender queues.
      void broker.stop().then(() => sleep(1000)).then(() => broker.restart());
    }
  }
  await Promise.all(sent);
  await until(() => counts(0, n).lost.length === 0, () => `every command acted on (lost ${counts(0, n).lost.join(",")})`, 40_000);
  await sleep(1000);
  assert.deepEqual(counts(0, n), { lost: [], twice: [] });
});

test("hearth killed: commands published while it is down are each acted on once after it restarts", { skip, timeout: 120_000 }, async () => {
  const from = 1000;
  const n = 30;
  await hearth.stop("SIGKILL");
  for (let k = from; k < from + n; k++) await sender.publishAsync(TEXT, `rel ping ${k}`, { qos: 1 });
  hearth = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "info", HEARTH_LOG_FORMAT: "json" });
  await hearth.waitUntilReady(socket, 0, 60_000);
  await until(() => counts(from, n).lost.length === 0, () => `the queued commands (lost ${counts(from, n).lost.join(",")})`);
  await sleep(1000);
  assert.deepEqual(counts(from, n), { lost: [], twice: [] });
  const order = acted.filter((p) => Number(p) >= from && Number(p) < from + n);
  assert.deepEqual(order, Array.from({ length: n }, (_, i) => String(from + i)), "in the order they were sent");
});

test("the same command id twice (a publisher retrying) acts once; the log says why the second did nothing", { skip, timeout: 60_000 }, async () => {
  const mark = acted.length;
  const command = JSON.stringify({ id: "retry-7", text: "rel ping 2000" });
  await sender.publishAsync(TEXT, command, { qos: 1 });
  await sender.publishAsync(TEXT, command, { qos: 1 });
  // MQTT 5 Correlation Data is the id for plain text.
  const correlated = { qos: 1 as const, properties: { correlationData: Buffer.from("cd-1") } };
  await sender.publishAsync(TEXT, "rel ping 2001", correlated);
  await sender.publishAsync(TEXT, "rel ping 2001", correlated);
  await sender.publishAsync(TEXT, "rel ping 2002", { qos: 1 });
  await until(() => acted.slice(mark).includes("2002"), () => "the last command");
  await sleep(500);
  assert.deepEqual(acted.slice(mark), ["2000", "2001", "2002"]);
  await hearth.waitForLog(/typed command with an id already handled; not acted on again.*|"id":"retry-7"/);
  assert.equal((hearth.stderr.match(/typed command with an id already handled/g) ?? []).length, 2, "one line per skipped duplicate");
  // The id comes back in the command's event, so a client can match the reply to its request.
  const replies = (text: string) => events.filter((e) => e.text === text).map((e) => (e as { origin?: { id?: string } }).origin?.id);
  await until(() => replies("rel ping 2001").length > 0, () => "the event of the correlated command");
  assert.deepEqual(replies("rel ping 2000"), ["retry-7"]);
  assert.deepEqual(replies("rel ping 2001"), [`correlation:${Buffer.from("cd-1").toString("base64")}`]);
  assert.deepEqual(replies("rel ping 2002"), [undefined]);
});

test("a command id handled before hearth was killed is not acted on after the restart (the command journal in the state directory)", { skip, timeout: 120_000 }, async () => {
  const mark = acted.length;
  const command = JSON.stringify({ id: "across-kill-1", text: "rel ping 3000" });
  await sender.publishAsync(TEXT, command, { qos: 1 });
  await until(() => acted.slice(mark).includes("3000"), () => "the first delivery");
  await hearth.stop("SIGKILL");
  hearth = HearthProcess.start(["run", "--config", config], { HEARTH_LOG_LEVEL: "info", HEARTH_LOG_FORMAT: "json" });
  await hearth.waitUntilReady(socket, 0, 60_000);
  // The publisher retries after it saw hearth go away; then something new.
  await sender.publishAsync(TEXT, command, { qos: 1 });
  await sender.publishAsync(TEXT, "rel ping 3001", { qos: 1 });
  await until(() => acted.slice(mark).includes("3001"), () => "the next command");
  await sleep(500);
  assert.deepEqual(acted.slice(mark), ["3000", "3001"]);
  await hearth.waitForLog(/typed command with an id already handled/);
});
