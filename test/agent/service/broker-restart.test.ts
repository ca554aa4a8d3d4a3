import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parseConfig } from "../../../agent/config/load.ts";
import { Agent } from "../../../agent/service/agent.ts";
import type { SimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { mosquittoAvailable, type Mosquitto } from "../../helpers/mosquitto.ts";
import { HOME_TOPICS, Observer, startHomeBroker } from "../../helpers/home-broker.ts";

const skip = !mosquittoAvailable() && "mosquitto not installed";

/** A switch announced with `qos: 1`: its commands are queued across an outage (HA's default qos 0 ones are not). */
const PORCH = {
  topic: "homeassistant/switch/porch/light/config",
  command: "porch/light/set",
  config: { name: "Porch Light", unique_id: "porch_light_q1", command_topic: "porch/light/set", state_topic: "porch/light/state", qos: 1 },
};

let broker: Mosquitto;
let home: SimulatedHome;
let observer: Observer;
let agent: Agent;

before(async () => {
  if (skip) return;
  // Persistence: the broker keeps the observer's session across the restart, so it sees what the agent sends right after it.
  ({ broker, home } = await startHomeBroker({ persistence: true }));
  observer = await Observer.connect(broker.url, { persistent: true, clientId: `hearth-restart-observer-${process.pid}` });
  await observer.client.publishAsync(PORCH.topic, JSON.stringify(PORCH.config), { qos: 1, retain: true });
  agent = new Agent(parseConfig({ agent: { id: "restart" }, mqtt: { port: broker.port, reconnect_min_ms: 100, reconnect_max_ms: 400 } }), { textTopic: true, announce: true });
  await agent.start();
  await agent.settle();
});

after(async () => {
  await agent?.stop();
  await home?.stop();
  await observer?.close();
  await broker?.dispose();
});

test("broker restart mid-session: reconnect, re-announce, queued QoS 1 commands delivered exactly once, typed commands work again", { skip }, async () => {
  assert.ok(agent.registry.get("switch.porch_light"), "the qos 1 switch was discovered");
  const reconnected = new Promise<void>((resolve) => agent.session!.once("connected", () => resolve()));
  await broker.stop();
  await new Promise<void>((resolve) => (agent.session!.state === "reconnecting" ? resolve() : agent.session!.once("reconnecting", () => resolve())));

  // What a rule or a voice command does during the outage: the controller acts; the session holds the QoS 1 message.
  const event = await agent.submit("turn on the porch light", { kind: "rule", source: "test" });
  assert.equal(event.error, undefined, event.response);
  assert.deepEqual(event.messages.map((m) => [m.topic, m.qos]), [[PORCH.command, 1]]);
  // A QoS 0 command (HA's default) would be dropped: the user is told instead of being told it worked.
  const dropped = await agent.submit("turn on the coffee machine", { kind: "voice", source: "kitchen" });
  assert.equal(dropped.response, "Sorry, I could not reach the device.");
  assert.match(dropped.error ?? "", /MQTT broker unreachable: not sending to zigbee2mqtt\/coffee_machine\/set/);
  assert.deepEqual(dropped.messages, []);
  const announcedBefore = observer.on("homeassistant/device/restart/config").length;

  await broker.restart();
  await reconnected;
  await observer.until(() => observer.on(PORCH.command).length >= 1, "the queued command");
  await observer.until(() => observer.on("homeassistant/device/restart/config").length > announcedBefore, "hearth's discovery config re-announced");
  await observer.until(() => observer.on("hearth/restart/status").some((m) => m.payload === "online"), "online after reconnect");

  // Subscriptions work after the restart: a typed command on the text topic.
  await observer.client.publishAsync("hearth/restart/text", "turn off the porch light", { qos: 1 });
  await observer.until(() => observer.on(PORCH.command).length >= 2, "the typed command after the restart");
  await agent.flush();
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(observer.on(PORCH.command).map((m) => m.payload), ["ON", "OFF"], "each command exactly once");
  assert.deepEqual(observer.on("zigbee2mqtt/coffee_machine/set"), [], "the refused QoS 0 command never arrives");
  assert.equal(agent.session!.state, "connected");
});
