import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { takenOverBy, TakeoverWatch, type InstanceAnnouncement } from "../../../agent/service/takeover.ts";
import { MqttSession } from "../../../devices/mqtt/session.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const skip = mosquittoAvailable() ? false : "SKIPPED: mosquitto is not installed";
let broker: Mosquitto;
before(async () => {
  if (!skip) broker = await Mosquitto.start();
});
after(async () => broker?.stop());

const announcement = (instance: string, started: number): InstanceAnnouncement => ({ instance, pid: 1, host: "h", started });

test("the newer instance wins; equal start times are broken by instance id; one's own announcement is no takeover", () => {
  assert.equal(takenOverBy(announcement("a", 100), announcement("b", 200)), true);
  assert.equal(takenOverBy(announcement("b", 200), announcement("a", 100)), false);
  assert.equal(takenOverBy(announcement("a", 100), announcement("b", 100)), true);
  assert.equal(takenOverBy(announcement("b", 100), announcement("a", 100)), false);
  assert.equal(takenOverBy(announcement("a", 100), announcement("a", 100)), false);
});

const waitFor = async (what: string, ok: () => boolean, ms = 15_000) => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test("a second hearth with the same agent id: the older one says so once and stops, the newer one stays connected", { skip, timeout: 40_000 }, async () => {
  const config = parseConfig({ mqtt: { host: "127.0.0.1", port: broker.port, reconnect_max_ms: 1000 } }).mqtt;
  const older = new MqttSession(config, { agentId: "twin" });
  const newer = new MqttSession(config, { agentId: "twin" });
  const takeovers: InstanceAnnouncement[] = [];
  const topic = "hearth/twin/instance";
  try {
    await older.start();
    const olderWatch = new TakeoverWatch(older, topic, (other) => {
      takeovers.push(other);
      void older.close({ publishOffline: false });
    }, { started: Date.now() - 60_000 });
    olderWatch.start();
    await new Promise((r) => setTimeout(r, 800));
    let newerDisconnects = 0;
    newer.on("disconnected", () => newerDisconnects++);
    await newer.start();
    const newerWatch = new TakeoverWatch(newer, topic, () => assert.fail("the newer instance must not yield"));
    newerWatch.start();
    await waitFor("the older instance to notice the takeover", () => takeovers.length > 0);
    assert.equal(takeovers.length, 1);
    assert.equal(takeovers[0]!.instance, newerWatch.own.instance);
    assert.equal(takeovers[0]!.pid, process.pid);
    await waitFor("the older session to close", () => older.state === "closed");
    await waitFor("the newer session to be connected", () => newer.connected);
    const settled = newerDisconnects;
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(newerDisconnects, settled, "no more flapping once the older one stopped");
    assert.ok(newerDisconnects <= 2, `newer disconnected ${newerDisconnects} times`);
    assert.equal(newer.connected, true);
    newerWatch.stop();
  } finally {
    await older.close({ publishOffline: false });
    await newer.close({ publishOffline: false });
  }
});

test("two agents with one id: the first one started stops using MQTT, the second keeps its connection", { skip, timeout: 40_000 }, async () => {
  const { Agent } = await import("../../../agent/service/agent.ts");
  const config = parseConfig({ agent: { id: "twin-agent" }, mqtt: { host: "127.0.0.1", port: broker.port, reconnect_max_ms: 1000 }, homeassistant: { announce: false } });
  const first = new Agent(config);
  await first.start();
  await new Promise((r) => setTimeout(r, 800));
  const second = new Agent(config);
  try {
    await second.start();
    await waitFor("the first agent to stop using MQTT", () => first.session!.state === "closed");
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(second.session!.connected, true);
  } finally {
    await first.stop();
    await second.stop();
  }
});
