/**
 * No acknowledged command lost: the session is persistent from its first
 * connect, commands are acknowledged only after their handler settles,
 * redeliveries are not handled twice, pending commands are bounded, and the
 * reconnect backoff is capped. Each test runs its own mosquitto with
 * persistence and restarts it (or the session) mid-test.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { FINGERPRINT_TTL_MS } from "../../../devices/mqtt/command-inbox.ts";
import { HandledJournal } from "../../../devices/mqtt/handled-journal.ts";
import { MqttSession, type IncomingMessage } from "../../../devices/mqtt/session.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";
const sessionModule = fileURLToPath(new URL("../../../devices/mqtt/session.ts", import.meta.url));
const journalModule = fileURLToPath(new URL("../../../devices/mqtt/handled-journal.ts", import.meta.url));

function mqttConfig(port: number, extra: Record<string, unknown> = {}) {
  return parseConfig({ mqtt: { host: "127.0.0.1", port, reconnect_min_ms: 50, reconnect_max_ms: 400, ...extra } }).mqtt;
}

async function until(condition: () => boolean, what: string | (() => string), timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A publisher as a phone or HA would be: its own MQTT.js client, queueing QoS 1 publishes while the broker is away. */
async function publisher(port: number, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync({ host: "127.0.0.1", port, clientId: `pub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, reconnectPeriod: 50, ...options });
}

/** Start a session for `agentId` that records what its command handler saw on `topic`. */
async function commandSession(port: number, agentId: string, topic: string, handle: (m: IncomingMessage) => Promise<unknown> = async () => undefined, extra: Record<string, unknown> = {}, handledJournal?: HandledJournal) {
  const session = new MqttSession(mqttConfig(port, extra), { agentId, handledJournal });
  const seen: IncomingMessage[] = [];
  const refused: string[] = [];
  const connects: boolean[] = [];
  session.on("connected", ({ sessionPresent }) => connects.push(sessionPresent));
  session.subscribe(topic, (m) => {
    seen.push(m);
    return handle(m);
  }, { qos: 1, ackAfterHandling: true, onRefused: (m) => refused.push(m.payload.toString()) });
  await session.start();
  return { session, seen, refused, connects, texts: () => seen.map((m) => m.payload.toString()) };
}

test("the first connect is already persistent: commands sent while hearth is away survive a broker restart", { skip }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const pub = await publisher(broker.port);
  try {
    const first = await commandSession(broker.port, "t-persist", "hearth/t-persist/text");
    assert.deepEqual(first.connects, [false], "a new session on a fresh broker");
    await first.session.close();
    // Clean shutdown: mosquitto writes its database, hearth's session in it only if it did not ask for a clean start.
    await broker.restart();
    await until(() => pub.connected, "the publisher back");
    for (let k = 0; k < 20; k++) await pub.publishAsync("hearth/t-persist/text", `ping ${k}`, { qos: 1 });
    const second = await commandSession(broker.port, "t-persist", "hearth/t-persist/text");
    assert.deepEqual(second.connects, [true], "the broker kept hearth's session across its restart");
    await until(() => second.seen.length >= 20, "the 20 commands queued for hearth");
    await sleep(300);
    assert.deepEqual(second.texts(), Array.from({ length: 20 }, (_, k) => `ping ${k}`));
    await second.session.close();
  } finally {
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("broker restart while connected: every command a publisher sent during the outage is handled once", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  // The publisher keeps its own persistent session too, as HA does, so its in-flight publishes are resent.
  const pub = await publisher(broker.port, { clean: false, clientId: `pub-restart-${process.pid}` });
  const hearth = await commandSession(broker.port, "t-bounce", "hearth/t-bounce/text");
  try {
    const sent: Promise<unknown>[] = [];
    const say = (k: number) => sent.push(pub.publishAsync("hearth/t-bounce/text", `ping ${k}`, { qos: 1 }));
    for (let k = 0; k < 10; k++) say(k);
    await until(() => hearth.seen.length >= 10, "the first 10");
    await broker.stop();
    // Sent while the broker is down: the publisher queues them and sends them when it is back.
    for (let k = 10; k < 30; k++) say(k);
    await sleep(500);
    await broker.restart();
    for (let k = 30; k < 40; k++) say(k);
    await Promise.all(sent);
    await until(() => new Set(hearth.texts()).size >= 40, "all 40 commands");
    await sleep(300);
    assert.deepEqual(hearth.texts(), Array.from({ length: 40 }, (_, k) => `ping ${k}`), "each command once, in order");
    assert.equal(hearth.connects.at(-1), true, "the session was resumed, not started afresh");
  } finally {
    await hearth.session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("hearth down: commands the broker queued meanwhile are each handled exactly once after it comes back", { skip }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const pub = await publisher(broker.port);
  try {
    const first = await commandSession(broker.port, "t-down", "hearth/t-down/text");
    await first.session.close();
    for (let k = 0; k < 50; k++) await pub.publishAsync("hearth/t-down/text", `ping ${k}`, { qos: 1 });
    const second = await commandSession(broker.port, "t-down", "hearth/t-down/text");
    await until(() => second.seen.length >= 50, "the 50 queued commands");
    await second.session.close();
    // A third start finds nothing left: every command was acknowledged after it was handled.
    const third = await commandSession(broker.port, "t-down", "hearth/t-down/text");
    await sleep(500);
    assert.deepEqual(second.texts(), Array.from({ length: 50 }, (_, k) => `ping ${k}`));
    assert.deepEqual(third.texts(), []);
    await third.session.close();
  } finally {
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("a process killed while handling a command gets it again after restart; handled ones are not redelivered", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const pub = await publisher(broker.port);
  // The child acknowledges "fast" commands at once and never finishes "slow" ones, then is killed.
  const script = `
    import { MqttSession } from ${JSON.stringify(sessionModule)};
    const s = new MqttSession({ host: "127.0.0.1", port: ${broker.port}, protocol: "mqtt", reject_unauthorized: true, keepalive_s: 30,
      reconnect_min_ms: 100, reconnect_max_ms: 1000, protocol_version: 5, session_expiry_s: 3600, max_pending_commands: 100, max_incoming_bytes: 1048576 }, { agentId: "t-crash" });
    s.subscribe("hearth/t-crash/text", (m) => {
      const text = m.payload.toString();
      process.stdout.write("got " + text + "\\n");
      return text.startsWith("slow") ? new Promise(() => {}) : Promise.resolve();
    }, { qos: 1, ackAfterHandling: true });
    await s.start();
    process.stdout.write("up\\n");
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  try {
    await until(() => out.includes("up\n"), "the child session");
    await pub.publishAsync("hearth/t-crash/text", "fast 1", { qos: 1 });
    await pub.publishAsync("hearth/t-crash/text", "slow 2", { qos: 1 });
    await pub.publishAsync("hearth/t-crash/text", "fast 3", { qos: 1 });
    await until(() => out.includes("got fast 3\n"), "the child handling all three");
    await sleep(200);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const restarted = await commandSession(broker.port, "t-crash", "hearth/t-crash/text");
    await until(() => restarted.seen.length >= 1, "the redelivered command");
    await sleep(500);
    assert.deepEqual(restarted.texts(), ["slow 2"], "only the unfinished command comes back");
    assert.equal(restarted.seen[0]!.dup, true, "the broker marks it as a redelivery");
    await restarted.session.close();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await pub.endAsync(true);
    await broker.dispose();
  }
});

/**
 * A child session that handles each command, then dies before its PUBACK leaves
 * (every PUBACK it would write is withheld, as if the process were killed right then).
 * With `journalPath` it keeps the command journal hearth's service keeps.
 */
async function actThenDie(port: number, agentId: string, text: string, journalPath?: string): Promise<void> {
  const script = `
    import { MqttSession } from ${JSON.stringify(sessionModule)};
    import { HandledJournal } from ${JSON.stringify(journalModule)};
    const journal = ${journalPath ? `new HandledJournal(${JSON.stringify(journalPath)}, 60000)` : "undefined"};
    const s = new MqttSession({ host: "127.0.0.1", port: ${port}, protocol: "mqtt", reject_unauthorized: true, keepalive_s: 30,
      reconnect_min_ms: 100, reconnect_max_ms: 1000, protocol_version: 5, session_expiry_s: 3600, max_pending_commands: 100, max_incoming_bytes: 1048576 },
      { agentId: ${JSON.stringify(agentId)}, handledJournal: journal });
    s.subscribe("hearth/${agentId}/text", (m) => {
      process.stdout.write("acted " + m.payload.toString() + "\\n");
      return Promise.resolve();
    }, { qos: 1, ackAfterHandling: true });
    await s.start();
    const stream = s["client"].stream;
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      if (Buffer.isBuffer(chunk) && (chunk[0] & 0xf0) === 0x40) { process.stdout.write("puback withheld\\n"); return true; }
      return write(chunk, ...rest);
    };
    process.stdout.write("up\\n");
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  const pub = await publisher(port);
  try {
    await until(() => out.includes("up\n"), "the child session");
    await pub.publishAsync(`hearth/${agentId}/text`, text, { qos: 1 });
    await until(() => out.includes(`acted ${text}\n`) && out.includes("puback withheld\n"), () => `the child acting without acknowledging: ${out}`);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await pub.endAsync(true);
  }
}

test("killed after acting but before its PUBACK: with the command journal the redelivery is acknowledged, not acted on again", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const dir = mkdtempSync(join(tmpdir(), "hearth-journal-"));
  try {
    // Without a journal the broker's redelivery (DUP) is acted on a second time: the case the journal exists for.
    await actThenDie(broker.port, "t-nojournal", "open the blinds");
    const bare = await commandSession(broker.port, "t-nojournal", "hearth/t-nojournal/text");
    await until(() => bare.seen.length >= 1, "the redelivered command");
    assert.equal(bare.seen[0]!.dup, true);
    await bare.session.close();

    const path = join(dir, "commands-t-journal.db");
    await actThenDie(broker.port, "t-journal", "toggle the kitchen light", path);
    const journal = new HandledJournal(path, FINGERPRINT_TTL_MS);
    const restarted = await commandSession(broker.port, "t-journal", "hearth/t-journal/text", undefined, {}, journal);
    await until(() => restarted.session.commands.redeliveries === 1, "the redelivery recognised from the journal");
    assert.deepEqual(restarted.texts(), [], "not acted on again");
    await restarted.session.close();
    // It was acknowledged this time: a third start gets nothing.
    const third = await commandSession(broker.port, "t-journal", "hearth/t-journal/text");
    await sleep(500);
    assert.deepEqual(third.texts(), []);
    await third.session.close();
    journal.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await broker.dispose();
  }
});

test("a redelivery (DUP) of a command already being handled is acknowledged without acting twice", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const pub = await publisher(broker.port);
  let finish!: () => void;
  const slow = new Promise<void>((r) => (finish = r));
  const hearth = await commandSession(broker.port, "t-dup", "hearth/t-dup/text", () => slow);
  try {
    await pub.publishAsync("hearth/t-dup/text", "unlock nothing, just once", { qos: 1 });
    await until(() => hearth.seen.length === 1, "the command");
    // The link drops while the handler runs: the PUBACK is owed on a dead connection, so the broker resends.
    await broker.restart();
    await until(() => hearth.session.commands.redeliveries >= 1, "the broker's redelivery");
    finish();
    await sleep(300);
    assert.equal(hearth.seen.length, 1, "handled once");
    // Acknowledged for good now: another restart brings nothing back.
    await broker.restart();
    await until(() => hearth.session.connected, "reconnected");
    await sleep(500);
    assert.equal(hearth.seen.length, 1);
    assert.equal(hearth.session.commands.redeliveries, 1);
  } finally {
    await hearth.session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("pending commands are bounded: past max_pending_commands hearth stops reading and the broker holds the rest; nothing is lost", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start();
  const pub = await publisher(broker.port, { protocolVersion: 5 });
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const hearth = await commandSession(broker.port, "t-bound", "hearth/t-bound/text", () => gate, { max_pending_commands: 3 });
  try {
    for (let k = 0; k < 10; k++) await pub.publishAsync("hearth/t-bound/text", `q1 ${k}`, { qos: 1 });
    for (let k = 0; k < 5; k++) await pub.publishAsync("hearth/t-bound/text", `q0 ${k}`, { qos: 0 });
    await until(() => hearth.seen.length === 3, "three pending");
    await sleep(500);
    assert.equal(hearth.seen.length, 3, "no more than max_pending_commands handed over at once");
    assert.deepEqual(hearth.refused, []);
    release();
    gate = Promise.resolve();
    await until(() => hearth.seen.length === 15, () => `every command (${hearth.texts().join("|")}; refused ${hearth.refused.join("|")})`);
    // Each exactly once; QoS 1 ones in order (the broker may send QoS 0 ones past those it holds back for Receive Maximum).
    const texts = hearth.texts();
    assert.deepEqual([...texts].sort(), [...Array.from({ length: 5 }, (_, k) => `q0 ${k}`), ...Array.from({ length: 10 }, (_, k) => `q1 ${k}`)]);
    assert.deepEqual(texts.filter((t) => t.startsWith("q1")), Array.from({ length: 10 }, (_, k) => `q1 ${k}`));
    assert.deepEqual(hearth.refused, []);
  } finally {
    await hearth.session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("handlers stuck past half the keepalive: reading resumes, QoS 0 commands are refused through onRefused (not dropped), QoS 1 ones wait", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start();
  const pub = await publisher(broker.port, { protocolVersion: 5 });
  const hearth = await commandSession(broker.port, "t-stuck", "hearth/t-stuck/text", () => new Promise(() => undefined), { max_pending_commands: 2, keepalive_s: 2 });
  try {
    for (let k = 0; k < 2; k++) await pub.publishAsync("hearth/t-stuck/text", `q1 ${k}`, { qos: 1 });
    for (let k = 0; k < 3; k++) await pub.publishAsync("hearth/t-stuck/text", `q0 ${k}`, { qos: 0 });
    await until(() => hearth.refused.length === 3, () => `three refusals (seen ${hearth.texts().join("|")})`);
    assert.deepEqual(hearth.refused, ["q0 0", "q0 1", "q0 2"]);
    assert.deepEqual(hearth.texts(), ["q1 0", "q1 1"]);
    assert.equal(hearth.session.commands.refused, 3);
    assert.equal(hearth.session.connected, true);
  } finally {
    await hearth.session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("a burst of QoS 1 and 2 device commands stays within the broker's Receive Maximum: none refused with Quota exceeded", { skip, timeout: 60_000 }, async () => {
  // mosquitto advertises max_inflight_messages (20) and answers 0x97 to the 21st unacknowledged QoS 2 PUBLISH.
  const broker = await Mosquitto.start();
  const session = new MqttSession(mqttConfig(broker.port), { agentId: "t-quota" });
  await session.start();
  const pub = await publisher(broker.port, { protocolVersion: 5, clean: true });
  const got: string[] = [];
  pub.on("message", (_t, p) => got.push(p.toString()));
  await pub.subscribeAsync("burst/#", { qos: 2 });
  try {
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, k) =>
      session.publish({ topic: `burst/q${1 + (k % 2)}`, payload: String(k), qos: (1 + (k % 2)) as 1 | 2, retain: false })));
    const failed = results.flatMap((r, k) => (r.status === "rejected" ? [`${k}: ${(r.reason as Error).message}`] : []));
    assert.deepEqual(failed, []);
    await until(() => got.length >= 200, "the 200 messages");
    assert.deepEqual(got.map(Number).sort((a, b) => a - b), Array.from({ length: 200 }, (_, k) => k));
  } finally {
    await session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("commands that arrive with the CONNACK, before MQTT.js has resent the stored publishes, see the session as connected", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start({ persistence: true });
  const linkSeen: boolean[] = [];
  let session!: MqttSession;
  const hearth = await commandSession(broker.port, "t-early", "hearth/t-early/text", async () => void linkSeen.push(session.connected), { reconnect_min_ms: 1500, reconnect_max_ms: 3000 });
  session = hearth.session;
  const pub = await publisher(broker.port);
  try {
    await broker.stop();
    await until(() => session.state === "reconnecting", "reconnecting");
    // Stored by MQTT.js while the broker is down; resent one acknowledgement at a time before it reports `connect`.
    const stored = Array.from({ length: 40 }, (_, k) => session.publish({ topic: "early/out", payload: String(k), qos: 1, retain: false }));
    await broker.startAgain();
    await until(() => pub.connected, "the publisher back");
    for (let k = 0; k < 10; k++) await pub.publishAsync("hearth/t-early/text", `ping ${k}`, { qos: 1 });
    assert.notEqual(session.state, "connected", "the commands were queued before hearth reconnected");
    await Promise.all(stored);
    await until(() => hearth.seen.length >= 10, "the queued commands");
    assert.deepEqual(linkSeen, Array.from({ length: 10 }, () => true));
  } finally {
    await hearth.session.close();
    await pub.endAsync(true);
    await broker.dispose();
  }
});

test("reconnect delays are capped at reconnect_max_ms, and hearth is back at once when the broker listens again", { skip, timeout: 60_000 }, async () => {
  const broker = await Mosquitto.start();
  const session = new MqttSession(mqttConfig(broker.port, { reconnect_min_ms: 100, reconnect_max_ms: 3000 }), { agentId: "t-cap" });
  const delays: number[] = [];
  session.on("reconnecting", ({ delayMs }) => delays.push(delayMs));
  await session.start();
  try {
    await broker.stop();
    // 50-100, 100-200, ..., then capped: 1500-3000 ms.
    await until(() => delays.length >= 7, "seven reconnect attempts", 20_000);
    assert.ok(delays.every((d) => d <= 3000), `a delay over the cap: ${delays.join(", ")}`);
    assert.ok(delays.at(-1)! >= 1500, `the last delay ${delays.at(-1)} ms should be near the cap`);
    const startedAt = Date.now();
    await broker.restart();
    await until(() => session.connected, "reconnected", 5000);
    const lateMs = Date.now() - startedAt;
    assert.ok(lateMs < 1000, `back ${lateMs} ms after the broker listened (the pending backoff was up to 3000 ms)`);
  } finally {
    await session.close();
    await broker.dispose();
  }
});
