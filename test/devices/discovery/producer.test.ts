import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import mqtt from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { DiscoveryConsumer } from "../../../devices/discovery/consumer.ts";
import { DiscoveryProducer } from "../../../devices/discovery/producer.ts";
import { EntityRegistry } from "../../../devices/registry.ts";
import { MqttSession } from "../../../devices/mqtt/session.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";

const skip = mosquittoAvailable() ? false : "mosquitto not installed";

const EXPECTED_PAYLOAD =
  '{"availability_topic":"hearth/kitchen-pi/status",' +
  '"components":{' +
  '"command":{"command_topic":"hearth/kitchen-pi/text","icon":"mdi:keyboard","max":255,"mode":"text","name":"Command","platform":"text","unique_id":"kitchen-pi_command"},' +
  '"intent":{"event_types":["HassTurnOn","HassTurnOff","HassLightSet"],"icon":"mdi:account-voice","name":"Intent","platform":"event","state_topic":"hearth/kitchen-pi/intent","unique_id":"kitchen-pi_intent"},' +
  '"status":{"entity_category":"diagnostic","icon":"mdi:state-machine","name":"Status","platform":"sensor","state_topic":"hearth/kitchen-pi/state","unique_id":"kitchen-pi_status"},' +
  '"transcript":{"icon":"mdi:text-recognition","name":"Last transcript","platform":"sensor","state_topic":"hearth/kitchen-pi/transcript","unique_id":"kitchen-pi_transcript"}' +
  "}," +
  '"device":{"identifiers":["hearth_kitchen-pi"],"manufacturer":"hearth","model":"hearth agent","name":"Kitchen hearth","sw_version":"0.1.0"},' +
  '"origin":{"name":"hearth","sw_version":"0.1.0"},' +
  '"payload_available":"online","payload_not_available":"offline"}';

let broker: Mosquitto;
before(async () => {
  if (!skip) broker = await Mosquitto.start();
});
after(async () => {
  await broker?.dispose();
});

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("hearth announces itself as one device, retained, and again after HA's birth message", { skip }, async () => {
  const config = parseConfig({ mqtt: { port: broker.port } });
  const session = new MqttSession(config.mqtt, { agentId: "kitchen-pi" });
  await session.start();
  const delays: number[] = [];
  const producer = new DiscoveryProducer(session, {
    agentId: "kitchen-pi", agentName: "Kitchen hearth", discoveryPrefix: "homeassistant", haStatusTopic: "homeassistant/status",
    intents: ["HassTurnOn", "HassTurnOff", "HassLightSet"], version: "0.1.0",
    reannounceDelayMs: () => {
      delays.push(300);
      return 300;
    },
  });
  assert.equal(producer.payload(), EXPECTED_PAYLOAD);
  await producer.start();

  const ha = await mqtt.connectAsync({ host: "127.0.0.1", port: broker.port, clientId: "fake-ha", reconnectPeriod: 0 });
  const seen: { topic: string; payload: string; qos: number; retain: boolean; at: number }[] = [];
  ha.on("message", (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), qos: packet.qos, retain: packet.retain, at: Date.now() }));
  await ha.subscribeAsync("homeassistant/device/+/config", { qos: 1 });
  await until(() => seen.length === 1, "retained announcement");
  assert.deepEqual(seen[0]!.topic, "homeassistant/device/kitchen-pi/config");
  assert.equal(seen[0]!.payload, EXPECTED_PAYLOAD);
  assert.equal(seen[0]!.qos, 1);
  assert.equal(seen[0]!.retain, true);

  // HA restarts: birth message → one re-announcement after the chosen delay (a second birth during the wait adds none).
  const birthAt = Date.now();
  await ha.publishAsync("homeassistant/status", "online", { qos: 1 });
  await ha.publishAsync("homeassistant/status", "online", { qos: 1 });
  await ha.publishAsync("homeassistant/status", "offline", { qos: 1 });
  await until(() => seen.length === 2, "re-announcement");
  assert.ok(seen[1]!.at - birthAt >= 250, `re-announced after ${seen[1]!.at - birthAt} ms`);
  assert.equal(seen[1]!.payload, EXPECTED_PAYLOAD);
  assert.equal(seen[1]!.retain, false); // a live message to an existing subscriber
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(seen.length, 2);
  assert.deepEqual(delays, [300]);

  // Later stages add components: occupancy per area.
  producer.addComponent("occupancy_kitchen", { platform: "binary_sensor", name: "Kitchen occupancy", device_class: "occupancy", state_topic: "hearth/kitchen-pi/occupancy/kitchen" });
  await until(() => seen.length === 3, "announcement with the new component");
  const doc = JSON.parse(seen[2]!.payload) as { components: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(doc.components), ["command", "intent", "occupancy_kitchen", "status", "transcript"]);
  assert.deepEqual(doc.components.occupancy_kitchen, {
    device_class: "occupancy", name: "Kitchen occupancy", platform: "binary_sensor", state_topic: "hearth/kitchen-pi/occupancy/kitchen", unique_id: "kitchen-pi_occupancy_kitchen",
  });
  assert.throws(() => producer.addComponent("bad key", { platform: "sensor" }), /only a-z/);

  // The agent's own consumer leaves its announcement alone but sees other devices.
  const registry = new EntityRegistry();
  const consumer = new DiscoveryConsumer(session, registry, config, { ignoreTopics: [producer.topic] });
  consumer.start();
  await ha.publishAsync("homeassistant/switch/other/config", JSON.stringify({ name: "Other", command_topic: "other/set" }), { qos: 1, retain: true });
  await until(() => consumer.size === 1, "the other device");
  assert.deepEqual(registry.all().map((e) => e.id), ["switch.other"]);
  consumer.stop();
  await ha.publishAsync("homeassistant/switch/other/config", "", { qos: 1, retain: true });

  producer.stop();
  await ha.publishAsync("homeassistant/device/kitchen-pi/config", "", { qos: 1, retain: true });
  await Promise.all([ha.endAsync(), session.close()]);
});
