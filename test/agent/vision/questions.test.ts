/**
 * Live vision questions through the understander ("is anyone in the kitchen",
 * "how many people are in the living room", "where is the cat", "what do you
 * see in the garden"), answered from the tracks of real camera pipelines:
 * fed explicit detections at the detector's boundary (the tracker, zones and
 * track summaries are the real ones), and pictures of ../shared through YOLOX.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandRequest } from "../../../agent/controller/types.ts";
import { LiveIntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { speechGrammar } from "../../../agent/service/voice-extension.ts";
import { createUnderstander } from "../../../agent/understand.ts";
import { Coverage } from "../../../agent/vision/coverage.ts";
import { LiveAnswers } from "../../../agent/vision/live-answers.ts";
import { LIVE_VISION_INTENTS, HISTORY_VISION_INTENTS, NO_CAMERAS, VisionAnswerer } from "../../../agent/vision/questions.ts";
import { Sightings } from "../../../agent/vision/sightings.ts";
import { YoloxDetector } from "../../../models/detector/yolox.ts";
import { entity, registryWith } from "../../helpers/entities.ts";
import { sharedData, sharedDataMissing } from "../../helpers/shared-data.ts";
import { camera, detection, picture, SceneCamera, ScriptedDetector } from "../../helpers/vision-scene.ts";

const AREAS = { Kitchen: undefined, "Living Room": undefined, Hallway: undefined, Garage: undefined, Garden: undefined, "Front Yard": undefined, Attic: undefined };
const registry = registryWith(AREAS, [entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen" })]);
const FRAME = { width: 1000, height: 500 };
/** Someone standing at x, feet at 80 % of the frame height. */
const standing = (x: number) => ({ x1: x, y1: 100, x2: x + 100, y2: 400 });

const cameras = [
  camera({ name: "kitchen", area: "Kitchen" }),
  camera({ name: "living", area: "Living Room" }),
  // A second camera on the living room, from the other corner: the same people, seen twice.
  camera({ name: "living2", area: "Living Room" }),
  camera({ name: "hall", area: "Hallway", detector: { labels: ["person", "cat", "dog"] } }),
  camera({ name: "garage", area: "Garage", detector: { labels: ["person", "car"] } }),
  camera({ name: "garden", area: "Garden", detector: { labels: ["person", "cat", "dog", "bird"] } }),
  camera({
    name: "front", area: "Front Yard", detector: { labels: ["person", "car", "truck"] },
    zones: [
      { name: "driveway", area: "Front Yard", polygon: [[0, 0], [0.5, 0], [0.5, 1], [0, 1]] },
      { name: "front door", area: "Front Yard", polygon: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]] },
    ],
  }),
];
const zones = cameras.flatMap((c) => c.zones.map((z) => z.name));

function setup() {
  let now = Date.parse("2026-12-03T14:00:00Z");
  const clock = { advance: (ms: number) => (now += ms), now: () => now };
  const sightings = new Sightings({ now: clock.now });
  const answerer = new VisionAnswerer(new LiveAnswers(Coverage.fromConfig(cameras), sightings, { now: clock.now }));
  const understand = createUnderstander({ registry, recognizer: new LiveIntentRecognizer(registry, [], { cameraZones: zones }), eventTopic: "hearth/test/event", vision: () => answerer });
  const ask = async (text: string, area?: string) => {
    const u = await understand({ text, origin: { kind: "cli", ...(area ? { area } : {}) } } satisfies CommandRequest);
    assert.equal(u.kind, "answer", `${text}: ${JSON.stringify(u)}`);
    return (u as { response: string }).response;
  };
  const scene = (name: string) => new SceneCamera(cameras.find((c) => c.name === name)!, new ScriptedDetector(), sightings);
  return { clock, sightings, ask, scene };
}

test("presence, counts, zones and empty places from tracks of explicit detections", async () => {
  const { ask, scene } = setup();
  await scene("kitchen").play(FRAME, 3, [detection("person", standing(100))]);
  await scene("living").play(FRAME, 3, [detection("person", standing(100)), detection("person", standing(600))]);
  await scene("living2").play(FRAME, 3, [detection("person", standing(300))]); // one of the two is hidden from it
  await scene("garage").play(FRAME, 3, []);
  // A car on the left (the driveway); nobody on the right (the front door).
  await scene("front").play(FRAME, 3, [detection("car", { x1: 50, y1: 200, x2: 400, y2: 450 })]);

  assert.equal(await ask("is anyone in the kitchen"), "Yes, one person, seen just now in the kitchen.");
  assert.equal(await ask("Is there somebody in the kitchen right now?"), "Yes, one person, seen just now in the kitchen.");
  assert.equal(await ask("how many people are in the living room"), "I see two people in the living room.");
  assert.equal(await ask("how many people are in the kitchen"), "I see one person in the kitchen.");
  assert.equal(await ask("is the garage empty"), "Yes, the garage is empty.");
  assert.equal(await ask("is the living room empty"), "No, I see two people in the living room.");
  assert.equal(await ask("is the car in the driveway"), "Yes, a car, seen just now in the driveway.");
  assert.equal(await ask("is somebody at the front door"), "No, I don't see anyone at the front door right now.");
  assert.equal(await ask("can you see a vehicle in the driveway"), "Yes, a car, seen just now in the driveway.");
  // A place no camera shows is said so, not answered "no".
  assert.equal(await ask("is anyone in the attic"), "No camera covers the attic.");
  assert.equal(await ask("how many people are in the attic"), "No camera covers the attic.");
  // The kitchen camera keeps people only.
  assert.equal(await ask("is there a dog in the kitchen"), "No camera in the kitchen looks for dogs.");
  // "here": the microphone's area.
  assert.equal(await ask("is anyone here", "Kitchen"), "Yes, one person, seen just now in the kitchen.");
  assert.equal(await ask("is anyone here", "Garage"), "No, I don't see anyone in the garage right now.");
  assert.equal(await ask("how many people do you see"), "I see three people: one person in the kitchen and two people in the living room.");
});

test("whereabouts with recency, and the scene of a place", async () => {
  const { ask, scene, clock, sightings } = setup();
  const hall = scene("hall");
  // The cat crosses the hallway and is gone (1.6 s of empty frames: the tracker drops it after 1 s).
  await hall.play(FRAME, 4, [detection("cat", { x1: 100, y1: 350, x2: 250, y2: 450 })]);
  await hall.play(FRAME, 8, []);
  assert.equal(await ask("where is the cat"), "I last saw the cat in the hallway just now.");
  clock.advance(4 * 60_000);
  assert.equal(await ask("where is the cat"), "I last saw the cat in the hallway 4 minutes ago.");
  assert.equal(await ask("where's the kitty"), "I last saw the cat in the hallway 4 minutes ago.");
  assert.equal(await ask("is the cat in the hallway"), "No, I don't see a cat in the hallway right now. I last saw a cat there 4 minutes ago.");
  assert.equal(await ask("where is the dog"), "I haven't seen a dog.");
  assert.equal(await ask("where is the horse"), "No camera looks for horses.");

  await scene("garden").play(FRAME, 3, [detection("person", standing(100)), detection("dog", { x1: 500, y1: 300, x2: 700, y2: 450 })]);
  assert.equal(await ask("what do you see in the garden"), "In the garden I see a dog and one person.");
  assert.equal(await ask("where is the dog"), "The dog is in the garden, seen just now.");
  assert.equal(await ask("where are the kids"), "Someone is in the garden, seen just now.");
  assert.equal(await ask("what do you see in the kitchen"), "I don't see anything in the kitchen right now.");
  assert.equal(await ask("what do you see"), "I see a dog and one person in the garden.");

  // A car parked in the garage for two hours (one frame a minute): how long it has stood there is said.
  const garage = new SceneCamera(cameras.find((c) => c.name === "garage")!, new ScriptedDetector(), sightings, { frameMs: 60_000, onFrame: (ms) => clock.advance(ms) });
  await garage.play(FRAME, 121, [detection("car", { x1: 200, y1: 150, x2: 800, y2: 450 })]);
  assert.equal(await ask("is the car in the garage"), "Yes, a car, seen just now in the garage, where it has stood for about 2 hours.");
});

test("vision questions without cameras get one clear answer; the sentences are in the speech grammar", async () => {
  const understand = createUnderstander({ registry, recognizer: new LiveIntentRecognizer(registry), eventTopic: "hearth/test/event" });
  const u = await understand({ text: "is anyone in the kitchen", origin: { kind: "cli" } });
  assert.deepEqual(u, { kind: "answer", intent: "HassVisionPresence", slots: { label: "person", area: "Kitchen" }, response: NO_CAMERAS });
  const grammar = speechGrammar(registry, [], zones);
  const names = new Set(grammar.sentences.intents.map((i) => i.name));
  for (const intent of [...LIVE_VISION_INTENTS, ...HISTORY_VISION_INTENTS]) assert.ok(names.has(intent), `${intent} in the speech grammar`);
  assert.ok(grammar.families[0]!.includes("HassVisionPresence"), "searched with the built-in home intents");
  assert.deepEqual(grammar.sentences.lists.camera_zone, { values: [{ in: "driveway", out: "driveway" }, { in: "front door", out: "front door" }] });
});

test("pets on real pixels: the cat picture in the hallway, the dog picture in the garden (still images looped at 5 fps)", { timeout: 120_000 }, async (t) => {
  const missing = sharedDataMissing();
  if (missing) return t.skip(missing);
  process.env.HEARTH_MODEL_DIR = sharedData("..", "models");
  const { ask, clock, sightings } = setup();
  const hallConfig = cameras.find((c) => c.name === "hall")!;
  const gardenConfig = cameras.find((c) => c.name === "garden")!;
  const detector = await YoloxDetector.load({ labels: ["person", "cat", "dog", "bird"], scoreThreshold: 0.3 });
  try {
    // The zebras picture shows none of the hallway camera's labels: the cat has left.
    const [cat, dog, zebras] = await Promise.all(["coco_000000475732.jpg", "darknet_dog.jpg", "coco_000000215245.jpg"].map(picture));
    const hall = new SceneCamera(hallConfig, detector, sightings);
    const garden = new SceneCamera(gardenConfig, detector, sightings);
    await hall.play(cat!, 5);
    await garden.play(dog!, 5);
    assert.equal(await ask("is the cat in the hallway"), "Yes, a cat, seen just now in the hallway.");
    await hall.play(zebras!, 8);
    clock.advance(70 * 60_000);
    assert.equal(await ask("where is the cat"), "I last saw the cat in the hallway about an hour ago.");
    assert.equal(await ask("is there a dog in the garden"), "Yes, a dog, seen just now in the garden.");
    assert.equal(await ask("what do you see in the garden"), "In the garden I see a dog.");
  } finally {
    await detector.close();
  }
});

test("an occupancy question goes to whichever knows the place: HA's occupancy sensor or a camera", async () => {
  const home = registryWith({ ...AREAS }, [
    entity("light.kitchen", { name: "Kitchen Light", area: "Kitchen" }),
    { ...entity("binary_sensor.attic_presence", { name: "Attic Presence", area: "Attic", device_class: "occupancy" }), state: "on" },
  ]);
  const sightings = new Sightings();
  const answerer = new VisionAnswerer(new LiveAnswers(Coverage.fromConfig(cameras), sightings));
  const understand = createUnderstander({ registry: home, recognizer: new LiveIntentRecognizer(home, [], { cameraZones: zones }), eventTopic: "hearth/test/event", vision: () => answerer });
  await new SceneCamera(cameras[0]!, new ScriptedDetector(), sightings).play(FRAME, 3, [detection("person", standing(100))]);
  const ask = async (text: string) => (await understand({ text, origin: { kind: "cli" } })) as { kind: string; intent?: string; response: string };
  // HA's sentence for occupancy sensors, but the kitchen has none: the kitchen camera answers.
  const kitchen = await ask("is there anyone in the kitchen");
  assert.deepEqual([kitchen.kind, kitchen.intent, kitchen.response], ["answer", "HassVisionPresence", "Yes, one person, seen just now in the kitchen."]);
  // No camera looks into the attic, but its occupancy sensor says so.
  const attic = await ask("is anyone in the attic");
  assert.equal(attic.kind, "answer");
  assert.equal(attic.intent, "HassGetState");
  assert.match(attic.response, /^Yes/, attic.response);
  assert.equal((await ask("is anyone in the garage")).response, "No, I don't see anyone in the garage right now.");
});
