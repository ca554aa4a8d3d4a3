/**
 * Security at the agent level: MQTT over TLS with a CA, a client certificate
 * and a password (`hearth run` against a mosquitto configured by the test),
 * clear failures for a wrong password or CA, the typed-command topic disabled
 * or restricted to areas, confirmation of sensitive actions on every input
 * path, and custom intents whose slot values cannot choose the topic.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import type { CommandOrigin } from "../../../agent/controller/types.ts";
import type { SimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { fetchStatus } from "../../../agent/service/status-server.ts";
import { type Certificates, makeCertificates, opensslAvailable } from "../../helpers/certificates.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../../helpers/home-broker.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const haveMosquitto = mosquittoAvailable();
const PASSWORD = "tls-Secret-9d2f";

/** Run `hearth run --config FILE` until `done(status)` holds or it exits; returns exit code, output and the last status. */
async function runAgent(dir: string, config: Record<string, unknown>, ms = 20_000): Promise<{ code: number | null; output: string; status?: { broker: { state: string } } }> {
  const socket = join(dir, `s${Math.random().toString(16).slice(2, 8)}.sock`);
  const file = join(dir, `c${Math.random().toString(16).slice(2, 8)}.yaml`);
  writeFileSync(file, JSON.stringify({ ...config, service: { status_socket: socket } }));
  const child = spawn(process.execPath, ["--import", "tsx", "agent/cli/main.ts", "run", "--config", file], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + ms;
  let status: { broker: { state: string } } | undefined;
  while (Date.now() < deadline && child.exitCode === null) {
    status = (await fetchStatus(socket, 500).catch(() => undefined)) as typeof status;
    if (status?.broker.state === "connected") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.exitCode === null) child.kill("SIGTERM");
  return { code: await exited, output, status };
}

describe("MQTT over TLS with a client certificate and a password", { skip: !haveMosquitto ? "mosquitto not installed" : !opensslAvailable() ? "openssl not installed" : false }, () => {
  let certs: Certificates;
  let broker: Mosquitto;
  before(async () => {
    certs = makeCertificates();
    broker = await Mosquitto.start({
      users: { hearth: PASSWORD },
      listenerLines: [`cafile ${certs.ca}`, `certfile ${certs.serverCert}`, `keyfile ${certs.serverKey}`, "require_certificate true"],
    });
  });
  after(async () => {
    await broker?.dispose();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });
  const mqttConfig = (extra: Record<string, unknown>) => ({
    host: "127.0.0.1", port: broker.port, protocol: "mqtts", username: "hearth", password: PASSWORD,
    ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, reconnect_min_ms: 100, ...extra,
  });

  test("hearth run connects with the CA, client certificate and password", async () => {
    const run = await runAgent(certs.dir, { agent: { id: "tls-ok" }, mqtt: mqttConfig({}) });
    assert.equal(run.status?.broker.state, "connected", run.output.slice(-2000));
    assert.equal(run.code, 0, run.output.slice(-2000));
    assert.ok(!run.output.includes(PASSWORD), "the password is not logged");
  });

  test("a wrong password stops hearth run with a clear message and a non-zero exit", async () => {
    const run = await runAgent(certs.dir, { agent: { id: "tls-badpw" }, mqtt: mqttConfig({ password: "wrong-Password-1" }) });
    assert.equal(run.code, 1);
    assert.match(run.output, new RegExp(`hearth: MQTT broker 127\\.0\\.0\\.1:${broker.port}: connection refused: (bad user name or password|not authorized)`));
    assert.ok(!run.output.includes("wrong-Password-1"), "not even the wrong password is logged");
  });

  test("a server certificate from another CA stops hearth run with a TLS error", async () => {
    const run = await runAgent(certs.dir, { agent: { id: "tls-badca" }, mqtt: mqttConfig({ ca: certs.otherCa }) });
    assert.equal(run.code, 1);
    assert.match(run.output, new RegExp(`hearth: MQTT broker 127\\.0\\.0\\.1:${broker.port}: TLS error: .*(UNABLE_TO_VERIFY|SELF_SIGNED|unable to verify)`, "i"));
  });
});

describe("input paths against the simulated home", { skip: !haveMosquitto && "mosquitto not installed" }, () => {
  let broker: Mosquitto;
  let home: SimulatedHome;
  let observer: Observer;
  let dir: string;
  const agents: Agent[] = [];
  const ALARM = {
    topic: "homeassistant/alarm_control_panel/house/alarm/config",
    config: { name: "House Alarm", unique_id: "house_alarm", command_topic: "house/alarm/set", state_topic: "house/alarm/state", code_arm_required: false, code_disarm_required: false },
  };

  before(async () => {
    ({ broker, home } = await startHomeBroker());
    observer = await Observer.connect(broker.url);
    await observer.client.publishAsync(ALARM.topic, JSON.stringify(ALARM.config), { qos: 1, retain: true });
    await observer.client.publishAsync(ALARM.config.state_topic, "armed_away", { qos: 1, retain: true });
    dir = mkdtempSync(join(tmpdir(), "hearth-sec-"));
  });
  after(async () => {
    for (const agent of agents) await agent.stop();
    await home?.stop();
    await observer?.close();
    await broker?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startAgent(id: string, config: Record<string, unknown> = {}): Promise<Agent> {
    const agent = new Agent(parseConfig({ ...config, agent: { id, ...(config.agent as object) }, mqtt: { port: broker.port } }), { textTopic: true });
    agents.push(agent);
    await agent.start();
    await agent.settle();
    return agent;
  }

  test("sensitive actions (unlock, open the garage) ask for confirmation whatever the input path; only a clear yes sends them", async () => {
    const agent = await startAgent("confirm");
    const origins: CommandOrigin[] = [{ kind: "cli" }, { kind: "mqtt", source: "hearth/confirm/text" }, { kind: "voice", source: "kitchen" }, { kind: "rule", source: "evening" }];
    const sensitive: [string, string][] = [
      ["unlock the front door lock", HOME_TOPICS.frontDoorLock],
      ["open the garage door", HOME_TOPICS.garageDoor],
    ];
    for (const origin of origins) {
      for (const [text, topic] of sensitive) {
        const asked = await agent.submit(text, origin);
        assert.equal(asked.type, "confirmation_requested", `${origin.kind}: "${text}" → ${asked.type}: ${asked.response}`);
        assert.deepEqual(asked.messages, []);
        // Anything but a clear yes cancels, including another command.
        // "no", or for a rule (which nobody answers) a new command: either way the sensitive action is dropped.
        const answer = await agent.submit(origin.kind === "rule" ? "make me a sandwich" : "no", origin);
        assert.deepEqual(answer.messages, [], `${origin.kind}: "${text}" was cancelled`);
        assert.equal(observer.on(topic).length, 0, `${origin.kind}: nothing sent to ${topic}`);
      }
    }
    const asked = await agent.submit("unlock the front door lock", { kind: "voice" });
    assert.equal(asked.type, "confirmation_requested");
    const done = await agent.submit("yes", { kind: "voice" });
    assert.deepEqual(done.messages.map((m) => [m.topic, m.payload]), [[HOME_TOPICS.frontDoorLock, "UNLOCK"]]);
    // No built-in sentence disarms an alarm (HA's intents have none); turning it off must not slip through as a disarm.
    const alarm = await agent.submit("turn off the house alarm", { kind: "voice" });
    assert.deepEqual(alarm.messages, [], alarm.response);
  });

  test("the typed-command topic can be disabled, or restricted to areas", async () => {
    await startAgent("notext", { agent: { text_input: { enabled: false } } });
    const restricted = await startAgent("kitchenonly", { agent: { text_input: { allowed_areas: ["Kitchen"] } } });
    const events: string[] = [];
    restricted.on("event", (e) => events.push(e.text));
    const send = (topic: string, payload: string) => observer.client.publishAsync(topic, payload, { qos: 1 });
    await send("hearth/notext/text", "turn on the coffee machine");
    await send("hearth/kitchenonly/text", "turn on the coffee machine");
    await send("hearth/kitchenonly/text", JSON.stringify({ text: "turn on the coffee machine", area: "Garage" }));
    await send("hearth/kitchenonly/text", JSON.stringify({ text: "turn on the coffee machine", area: "kitchen" }));
    await observer.until(() => observer.on("hearth/kitchenonly/events").length === 1, "the kitchen command's event");
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(events, ["turn on the coffee machine"], "only the command from the kitchen was handled");
    assert.equal(observer.on("hearth/notext/events").length, 0, "the disabled topic is not even read");
  });

  test("slot values of a custom intent cannot choose the topic; the guard refuses topics outside the allowed set", async () => {
    const intents = join(dir, "intents.yaml");
    writeFileSync(intents, [
      "language: en",
      "intents:",
      "  leaveNote:",
      "    data:",
      "      - sentences: [\"leave a note {note}\"]",
      "    action:",
      "      mqtt: { topic: notes/inbox, payload: \"{{ slots.note }}\", qos: 1 }",
      "lists:",
      "  note: { wildcard: true }",
    ].join("\n"));
    const agent = await startAgent("custom", { intents: { files: [intents] } });
    for (const note of ["hearth/other/text", "# zigbee2mqtt/front_door_lock/set", "{{ 7*7 }} {% raw %}", "../../$SYS", "\u0000 UNLOCK"]) {
      const event = await agent.submit(`leave a note ${note}`, { kind: "mqtt" });
      assert.deepEqual(event.messages.map((m) => m.topic), ["notes/inbox"], `note ${JSON.stringify(note)}: ${event.response}`);
      assert.doesNotMatch(event.messages[0]!.payload.toString(), /\b49\b/, "slot values are data, not templates");
    }
    assert.equal(agent.guard.judge("notes/inbox", { kind: "configured" }).allowed, true);
    for (const topic of ["hearth/other/text", "notes/inbox/x", "zigbee2mqtt/bridge/request/restart", "homeassistant/light/x/config", "#"]) {
      assert.equal(agent.guard.judge(topic, { kind: "configured" }).allowed, false, topic);
    }
    const lock = agent.registry.all().find((e) => e.config?.command_topic === HOME_TOPICS.frontDoorLock)!;
    assert.equal(agent.guard.judge(HOME_TOPICS.frontDoorLock, { kind: "entity", entity: lock }).allowed, true, "a discovered entity's command topic");
  });

  test("a custom intent or a rule publishing raw MQTT to a lock's command topic still asks first", async () => {
    const intents = join(dir, "door-intents.yaml");
    writeFileSync(intents, [
      "language: en",
      "intents:",
      "  letMeIn:",
      "    data:",
      "      - sentences: [\"let me in\"]",
      "    action:",
      `      mqtt: { topic: ${HOME_TOPICS.frontDoorLock}, payload: UNLOCK, qos: 1 }`,
    ].join("\n"));
    const agent = await startAgent("rawlock", { intents: { files: [intents] } });
    const asked = await agent.submit("let me in", { kind: "voice" });
    assert.equal(asked.type, "confirmation_requested", asked.response);
    assert.match(asked.response, /^Are you sure\? This also commands front_door_lock \(same command topic zigbee2mqtt\/front_door_lock\/set\)\.$/);
    const declined = await agent.submit("no", { kind: "voice" });
    assert.deepEqual(declined.messages, []);
    const rule = await agent.submitRequest({ text: "(rule)", origin: { kind: "rule", source: "night" }, messages: [{ topic: HOME_TOPICS.frontDoorLock, payload: "UNLOCK", qos: 1, retain: false }] });
    assert.equal(rule.type, "confirmation_requested", "a rule's raw unlock waits for a yes too");
    await agent.submit("no", { kind: "rule" });
    assert.equal(observer.on(HOME_TOPICS.frontDoorLock).filter((m) => m.payload === "UNLOCK").length, 1, "only the confirmed unlock of the first test was sent");
    await agent.submit("let me in", { kind: "voice" });
    const done = await agent.submit("yes", { kind: "voice" });
    assert.deepEqual(done.messages.map((m) => [m.topic, m.payload]), [[HOME_TOPICS.frontDoorLock, "UNLOCK"]]);
  });
});
