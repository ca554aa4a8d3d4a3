import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import mqtt from "mqtt";
import { parseConfig } from "../../../agent/config/load.ts";
import { startSimulatedHome } from "../../../agent/demo/simulated-devices.ts";
import { Agent } from "../../../agent/service/agent.ts";
import { VisionExtension } from "../../../agent/service/vision-extension.ts";
import type { VisionEvent } from "../../../agent/vision/events.ts";
import { Mosquitto, mosquittoAvailable } from "../../helpers/mosquitto.ts";
import { visitVideo } from "../../helpers/visits.ts";

const MODEL_DIR = new URL("../../../../shared/models/", import.meta.url).pathname;
const skip = !existsSync(visitVideo) || !existsSync(MODEL_DIR)
  ? "../shared absent: the real video and YOLOX-Nano are needed"
  : !mosquittoAvailable() ? "mosquitto not installed" : false;

test("the real video → occupancy → a scene rule → the lamp's MQTT command, with HA occupancy and facing entities and a snapshot", { skip, timeout: 180_000 }, async () => {
  process.env.HEARTH_MODEL_DIR = MODEL_DIR;
  const broker = await Mosquitto.start();
  const home = await startSimulatedHome({ url: broker.url });
  const config = parseConfig({
    agent: { id: "vis" },
    mqtt: { port: broker.port },
    entities: { "light.living_room_node_lamp": { name: "Living Room Lamp" } },
    cameras: [{ name: "lounge", file: visitVideo, area: "Living Room", fps: 5, faces: { enabled: true } }],
    rules: [{ id: "lamp_on_entry", trigger: { occupied: "Living Room" }, actions: [{ intent: "HassTurnOn", slots: { name: "Living Room Lamp" } }], cooldown: "1 hour" }],
  });
  const observer = await mqtt.connectAsync(broker.url, { protocolVersion: 5 });
  const seen: { topic: string; payload: Buffer; retain: boolean }[] = [];
  observer.on("message", (topic, payload, packet) => seen.push({ topic, payload, retain: packet.retain }));
  // Retain-As-Published, so the test sees the retain flag the agent set.
  await observer.subscribeAsync(["living-room-node/light/lamp/command", "hearth/vis/#", "homeassistant/device/vis/config"], { qos: 1, rap: true });
  const agent = new Agent(config, { announce: true });
  const vision = new VisionExtension(agent, config.cameras, { realtime: false });
  const events: VisionEvent[] = [];
  vision.onEvent = (e) => events.push(e);
  try {
    await vision.prepare();
    await agent.start();
    await agent.settle();
    await vision.start();
    await vision.finished();
    await new Promise((r) => setTimeout(r, 500));

    const occupied = events.filter((e) => e.type === "occupancy" && e.occupied);
    assert.equal(occupied.length, 6, "six visits in the video");
    const commands = seen.filter((m) => m.topic === "living-room-node/light/lamp/command");
    assert.equal(commands.length, 1, "the rule fires once (cooldown)");
    assert.deepEqual(JSON.parse(commands[0]!.payload.toString()), { state: "ON" });
    const occupancyStates = seen.filter((m) => m.topic === "hearth/vis/area/living_room/occupancy").map((m) => m.payload.toString());
    assert.ok(occupancyStates.includes("ON") && occupancyStates.includes("OFF"), occupancyStates.join(","));
    assert.ok(seen.some((m) => m.topic === "hearth/vis/area/living_room/person_count" && m.payload.toString() === "1" && m.retain));
    const snapshot = seen.find((m) => m.topic === "hearth/vis/camera/lounge/snapshot");
    assert.ok(snapshot, "a snapshot on the image entity's topic");
    assert.deepEqual([...snapshot.payload.subarray(0, 3)], [0xff, 0xd8, 0xff], "JPEG");
    // Visitors turn towards the camera on their way through: the facing sensor goes ON and back OFF, retained.
    const facingCounts = events.filter((e) => e.type === "facing").map((e) => e.count);
    assert.equal(facingCounts[0], 0, "the first frame reports nobody facing");
    assert.ok(facingCounts.some((n) => n > 0), facingCounts.join(","));
    const facingStates = seen.filter((m) => m.topic === "hearth/vis/camera/lounge/facing");
    assert.deepEqual(facingStates.map((m) => m.payload.toString()), facingCounts.map((n) => (n > 0 ? "ON" : "OFF")));
    assert.ok(facingStates.every((m) => m.retain));
    assert.equal(facingStates.at(-1)!.payload.toString(), "OFF");
    const announced = seen.filter((m) => m.topic === "homeassistant/device/vis/config").at(-1)!;
    const components = JSON.parse(announced.payload.toString()).components;
    assert.equal(components.occupancy_living_room.device_class, "occupancy");
    assert.equal(components.persons_living_room.state_topic, "hearth/vis/area/living_room/person_count");
    assert.equal(components.snapshot_lounge.platform, "image");
    assert.deepEqual(
      { platform: components.facing_lounge.platform, device_class: components.facing_lounge.device_class, state_topic: components.facing_lounge.state_topic },
      { platform: "binary_sensor", device_class: "presence", state_topic: "hearth/vis/camera/lounge/facing" },
    );
    const ruleEvent = seen.find((m) => m.topic === "hearth/vis/events" && JSON.parse(m.payload.toString()).origin.kind === "rule");
    assert.ok(ruleEvent, "the rule's action went through the controller and its event line");
  } finally {
    vision.stop();
    await agent.stop();
    await observer.endAsync();
    await home.stop();
    await broker.stop();
  }
});
