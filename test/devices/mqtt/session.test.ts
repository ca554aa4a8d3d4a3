import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { MqttConnectionError, MqttSession } from "../../../devices/mqtt/session.ts";
import { Mosquitto, freePort, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const sessionModule = fileURLToPath(new URL("../../../devices/mqtt/session.ts", import.meta.url));
const haveMosquitto = mosquittoAvailable();

function mqttConfig(port: number, extra: Record<string, unknown> = {}) {
  return parseConfig({ mqtt: { host: "127.0.0.1", port, reconnect_min_ms: 50, reconnect_max_ms: 400, ...extra } }).mqtt;
}

/** A plain MQTT.js observer client, to see exactly what reached the broker. */
async function observer(port: number, filters: string[]) {
  const client = await mqtt.connectAsync({ host: "127.0.0.1", port, clientId: `observer-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 0 });
  const messages: { topic: string; payload: string; qos: number; retain: boolean }[] = [];
  client.on("message", (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain }));
  if (filters.length > 0) await client.subscribeAsync(filters, { qos: 1 });
  return { client, messages };
}

async function until(condition: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let broker: Mosquitto;
before(async () => {
  if (haveMosquitto) broker = await Mosquitto.start();
});
after(async () => {
  await broker?.dispose();
});

test("connects with MQTT 5 and publishes a retained online status", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const session = new MqttSession(mqttConfig(broker.port), { agentId: "t-online" });
  await session.start();
  assert.equal(session.protocolVersion, 5);
  assert.equal(session.state, "connected");
  const watcher = await observer(broker.port, ["hearth/t-online/status"]);
  await until(() => watcher.messages.length > 0, 5000, "retained status");
  assert.deepEqual(watcher.messages[0], { topic: "hearth/t-online/status", payload: "online", qos: 1, retain: true });
  await session.close();
  await until(() => watcher.messages.length > 1, 5000, "offline status");
  assert.deepEqual(watcher.messages[1], { topic: "hearth/t-online/status", payload: "offline", qos: 1, retain: false });
  await watcher.client.endAsync();
});

test("QoS 1 publishes issued while the broker is down arrive once after restart, and subscriptions come back", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const own = await Mosquitto.start();
  try {
    const session = new MqttSession(mqttConfig(own.port), { agentId: "t-restart" });
    const states: string[] = [];
    session.on("state", (s) => states.push(s));
    const delays: number[] = [];
    session.on("reconnecting", ({ delayMs }) => delays.push(delayMs));
    await session.start();
    const received: string[] = [];
    session.subscribe("test/in/#", (m) => received.push(`${m.topic}=${m.payload}`));
    const before = await observer(own.port, ["test/in/#"]);
    await before.client.publishAsync("test/in/a", "1", { qos: 1 });
    await until(() => received.length === 1, 5000, "first message");

    await own.stop();
    await until(() => session.state === "reconnecting", 5000, "reconnecting state");
    await until(() => delays.length >= 5, 5000, "five reconnect attempts");
    // reconnect_min_ms 50 doubling up to reconnect_max_ms 400, each jittered down to half at most.
    for (const [i, ceiling] of [50, 100, 200, 400, 400].entries()) {
      assert.ok(delays[i]! >= ceiling / 2 && delays[i]! <= ceiling, `delay ${i}: ${delays[i]} ms outside [${ceiling / 2}, ${ceiling}]`);
    }
    const acks = Array.from({ length: 20 }, (_, i) => session.publish({ topic: "test/out", payload: `m${i}`, qos: 1, retain: false }));
    let acked = 0;
    for (const a of acks) void a.then(() => acked++);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(acked, 0, "nothing can be acknowledged while the broker is down");

    await own.restart();
    await Promise.all(acks);
    await until(() => session.state === "connected", 5000, "reconnected");

    const publisher = await observer(own.port, []);
    await publisher.client.publishAsync("test/in/b", "2", { qos: 1 });
    await until(() => received.length === 2, 5000, "message after resubscribe");
    assert.deepEqual(received, ["test/in/a=1", "test/in/b=2"]);
    assert.ok(states.includes("reconnecting") && states.at(-1) === "connected", states.join(","));
    await Promise.all([session.close(), before.client.endAsync(true), publisher.client.endAsync()]);
  } finally {
    await own.dispose();
  }
});

test("overlapping filters: with MQTT 5 each handler sees each publication once", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const session = new MqttSession(mqttConfig(broker.port), { agentId: "t-overlap" });
  await session.start();
  const wide: string[] = [];
  const narrow: string[] = [];
  session.subscribe("overlap/#", (m) => wide.push(m.topic));
  session.subscribe("overlap/x", (m) => narrow.push(m.topic));
  await new Promise((r) => setTimeout(r, 100));
  await session.publish({ topic: "overlap/x", payload: "1", qos: 1, retain: false });
  await session.publish({ topic: "overlap/y", payload: "2", qos: 1, retain: false });
  await until(() => wide.length >= 2 && narrow.length >= 1, 5000, "messages");
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(wide, ["overlap/x", "overlap/y"]);
  assert.deepEqual(narrow, ["overlap/x"]);
  await session.close();
});

test("every QoS 1 publish queued during an outage is delivered exactly once", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const own = await Mosquitto.start({ persistence: true });
  try {
    // A persistent observer session: the broker queues for it while it is away, and keeps it across the restart.
    const watcherOptions = { host: "127.0.0.1", port: own.port, clientId: "watcher-exactly-once", clean: false, reconnectPeriod: 0, protocolVersion: 4 as const };
    const first = await mqtt.connectAsync(watcherOptions);
    await first.subscribeAsync("test/queued", { qos: 1 });
    await first.endAsync();

    const session = new MqttSession(mqttConfig(own.port), { agentId: "t-queue" });
    await session.start();
    await own.stop();
    await until(() => session.state === "reconnecting", 5000, "reconnecting");
    const acks = Array.from({ length: 50 }, (_, i) => session.publish({ topic: "test/queued", payload: `q${i}`, qos: 1, retain: false }));
    await own.restart();
    await Promise.all(acks);
    await session.close();

    const seen: string[] = [];
    const watcher = mqtt.connect(watcherOptions);
    watcher.on("message", (_topic, payload) => seen.push(payload.toString()));
    await until(() => seen.length >= 50, 5000, "queued messages");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => `q${i}`));
    await watcher.endAsync();
  } finally {
    await own.dispose();
  }
});

test("the last will `offline` is retained when the process dies without DISCONNECT", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const script = `
    import { MqttSession } from ${JSON.stringify(sessionModule)};
    const s = new MqttSession({ host: "127.0.0.1", port: ${broker.port}, protocol: "mqtt", reject_unauthorized: true, keepalive_s: 30, reconnect_min_ms: 100, reconnect_max_ms: 1000, protocol_version: 5 }, { agentId: "t-will" });
    await s.start();
    process.stdout.write("up\\n");
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("up") && resolve());
    child.once("exit", (code) => reject(new Error(`child exited ${code}`)));
  });
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  await new Promise((r) => setTimeout(r, 200));
  const watcher = await observer(broker.port, ["hearth/t-will/status"]);
  await until(() => watcher.messages.length > 0, 5000, "retained will");
  assert.deepEqual(watcher.messages[0], { topic: "hearth/t-will/status", payload: "offline", qos: 1, retain: true });
  await watcher.client.endAsync();
});

test("bad credentials fail with a message naming host:port", { skip: !haveMosquitto && "mosquitto not installed" }, async () => {
  const own = await Mosquitto.start({ users: { hearth: "right" } });
  try {
    const bad = new MqttSession(mqttConfig(own.port, { username: "hearth", password: "wrong" }), { agentId: "t-auth" });
    const err = await bad.start().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof MqttConnectionError, String(err));
    assert.equal(err.failure, "auth");
    assert.match(err.message, new RegExp(`^MQTT broker 127\\.0\\.0\\.1:${own.port}: connection refused: (not authorized|bad user name or password)`));
    const good = new MqttSession(mqttConfig(own.port, { username: "hearth", password: "right" }), { agentId: "t-auth" });
    await good.start();
    await good.close();
  } finally {
    await own.dispose();
  }
});

test("a refused TCP connection fails fast when asked, naming host:port", async () => {
  const port = await freePort();
  const session = new MqttSession(mqttConfig(port), { agentId: "t-refused" });
  await assert.rejects(session.start({ failFast: true }), (e: MqttConnectionError) =>
    e.failure === "network" && e.message.startsWith(`MQTT broker 127.0.0.1:${port}:`) && /ECONNREFUSED/.test(e.message));
});

test("an unreadable password_file is a config error naming the field and the file", async () => {
  const session = new MqttSession(mqttConfig(1883, { password_file: "/nonexistent/mqtt_password" }), { agentId: "t-pw" });
  await assert.rejects(session.start(), /mqtt\.password_file: cannot read \/nonexistent\/mqtt_password: ENOENT/);
});

test("falls back to MQTT 3.1.1 when the broker refuses protocol 5", async () => {
  // aedes speaks MQTT 3.1.1 only and answers a v5 CONNECT with "unacceptable protocol version".
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  try {
    const session = new MqttSession(mqttConfig(port), { agentId: "t-fallback" });
    await session.start();
    assert.equal(session.protocolVersion, 4);
    const got: string[] = [];
    session.subscribe("fallback/x", (m) => got.push(m.payload.toString()));
    await new Promise((r) => setTimeout(r, 100));
    await session.publish({ topic: "fallback/x", payload: "hello", qos: 1, retain: false });
    await until(() => got.length === 1, 5000, "loopback message");
    await session.close();
  } finally {
    await new Promise<void>((r) => aedes.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  }
});
