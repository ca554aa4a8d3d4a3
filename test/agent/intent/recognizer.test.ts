import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { evaluateIntents, loadIntentTestSet } from "../../../bench/intents-eval.ts";
import { loadCustomIntents } from "../../../agent/intent/custom-intents.ts";
import { IntentRecognizer, LiveIntentRecognizer } from "../../../agent/intent/recognizer.ts";
import { buildSentenceSet } from "../../../agent/intent/sentence-set.ts";
import { entity, registryWith } from "../../helpers/entities.ts";

const dataDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "data", "intents");

const home = () =>
  registryWith({ Kitchen: "Ground Floor", "Living Room": "Ground Floor", Bedroom: "First Floor" }, [
    entity("light.kitchen_ceiling", { name: "Kitchen Ceiling", area: "Kitchen" }),
    entity("light.bedroom_lamp", { name: "Bedroom Lamp", area: "Bedroom", aliases: ["Reading Light"] }),
    entity("light.living_room_lamp", { name: "Living Room Lamp", area: "Living Room" }),
    entity("cover.carport", { name: "Carport", device_class: "garage" }),
    entity("cover.bedroom_blinds", { name: "Bedroom Blinds", area: "Bedroom", device_class: "blind" }),
    entity("lock.front_door", { name: "Front Door" }),
    entity("scene.movie", { name: "Movie" }),
    entity("climate.hall", { name: "Hall Thermostat", area: "Living Room", attributes: { current_temperature: 21.5 } }),
  ]);

const recognizer = (custom = []) => new IntentRecognizer(buildSentenceSet(home(), custom));

test("HA intent test set: in-scope accuracy is at least 95 %", (t) => {
  if (!existsSync(join(dataDir, "ha-en-dev.jsonl"))) return t.skip(`../shared absent: ${dataDir} not found`);
  const report = evaluateIntents(loadIntentTestSet(dataDir));
  const failures = report.failures.filter((f) => f.inScope).map((f) => `${f.text} → ${JSON.stringify(f.got)}`);
  assert.ok(report.inScope.total > 350, `expected the full test set, got ${report.inScope.total} in-scope sentences`);
  assert.ok(report.inScope.accuracy >= 0.95, `accuracy ${report.inScope.accuracy}; failures:\n${failures.join("\n")}`);
});

test("entity names and aliases, areas, device classes and HA's slot values", () => {
  const r = recognizer();
  assert.deepEqual(r.recognize("turn off the kitchen ceiling")?.slots, { name: "Kitchen Ceiling" });
  assert.deepEqual(r.recognize("Turn on the reading light please")?.slots, { name: "Bedroom Lamp" });
  assert.deepEqual(r.recognize("open the garage door")?.slots, { domain: "cover", device_class: "garage" });
  assert.deepEqual(r.recognize("close the blinds in the bedroom")?.slots, { domain: "cover", device_class: "blind", area: "Bedroom" });
  const lock = r.recognize("lock the front door");
  assert.equal(lock?.intent, "HassTurnOn");
  assert.deepEqual(lock?.slots, { name: "Front Door" });
  assert.deepEqual(r.recognize("activate movie scene")?.slots, { domain: "scene", name: "Movie" });
  assert.deepEqual(r.recognize("turn off the lights on the first floor")?.slots, { domain: "light", floor: "First Floor" });
  const set = r.recognize("set the bedroom lamp to fifty percent");
  assert.equal(set?.intent, "HassLightSet");
  assert.deepEqual(set?.slots, { name: "Bedroom Lamp", brightness: 50 });
  assert.deepEqual(r.recognize("make the kitchen lights warm white")?.slots, { area: "Kitchen", color: "warm white" });
  assert.deepEqual(r.recognize("set the temperature in the living room to twenty one point five degrees")?.slots, { area: "Living Room", temperature: 21.5 });
  assert.deepEqual(r.recognize("set the bedroom blinds to 30%")?.slots, { name: "Bedroom Blinds", position: 30 });
  assert.deepEqual(r.recognize("set the blinds in the bedroom to 30%")?.slots, { domain: "cover", device_class: "blind", area: "Bedroom", position: 30 });
  assert.deepEqual(r.recognize("which lights are on in the kitchen?")?.slots, { domain: "light", state: "on", area: "Kitchen" });
  assert.equal(r.recognize("never mind")?.intent, "HassNevermind");
  assert.deepEqual(r.recognize("are the kitchen lights on")?.slots, { area: "Kitchen", domain: "light", state: "on" });
  assert.deepEqual(r.recognize("is the garage door open")?.slots, { domain: "cover", device_class: "garage", state: "open" });
  assert.deepEqual(r.recognize("what's the humidity in the bedroom")?.slots, { domain: "sensor", device_class: "humidity", area: "Bedroom" });
  assert.deepEqual(r.recognize("unlock the door", { area: "Kitchen" })?.slots, { domain: "lock", area: "Kitchen" });
  assert.deepEqual(r.recognize("kill the lights in the kitchen")?.slots, { domain: "light", area: "Kitchen" });
});

test("a known entity name wins over an area + domain reading", () => {
  const r = recognizer();
  // "living room lamp" is an entity, and also area "Living Room" + "lamp".
  assert.deepEqual(r.recognize("turn on the living room lamp")?.slots, { name: "Living Room Lamp" });
  assert.deepEqual(r.recognize("turn on the living room lights")?.slots, { domain: "light", area: "Living Room" });
});

test("the microphone's area fills the area when the text names none", () => {
  const r = recognizer();
  assert.deepEqual(r.recognize("turn on the lights", { area: "Kitchen" })?.slots, { domain: "light", area: "Kitchen" });
  assert.deepEqual(r.recognize("turn on the lights")?.slots, { domain: "light" });
  // A named area is kept, and "everywhere" does not take the microphone's area.
  assert.deepEqual(r.recognize("turn on the bedroom lights", { area: "Kitchen" })?.slots, { domain: "light", area: "Bedroom" });
  assert.deepEqual(r.recognize("turn off all the lights in the house", { area: "Kitchen" })?.slots, { domain: "light" });
  assert.deepEqual(r.recognize("what is the temperature", { area: "Living Room" })?.slots, { area: "Living Room" });
});

test("unknown text is not recognised; an unknown device name is recognised with low confidence", () => {
  const r = recognizer();
  assert.equal(r.recognize("sing me a song about the sea"), null);
  assert.equal(r.recognize(""), null);
  // Weather is recognised only to be refused (it needs Home Assistant), never as a device name.
  assert.equal(r.recognize("what's the weather like in London")?.intent, "HassGetWeather");
  const radio = r.recognize("turn on the radio");
  assert.equal(radio?.intent, "HassTurnOn");
  assert.deepEqual(radio?.slots, { name: "radio" });
  assert.equal(radio?.confidence, 0.5);
  assert.deepEqual(radio?.unknownSlots, ["name"]);
  assert.equal(r.recognize("turn on the kitchen ceiling")?.confidence, 1);
  // An area or "everything" is no unknown device name; "everything" is the everyday devices (resolver.ts EVERYDAY_DOMAINS).
  assert.equal(r.recognize("turn off the kitchen"), null);
  const everything = r.recognize("turn everything off");
  assert.deepEqual([everything?.intent, everything?.slots, everything?.unknownSlots], ["HassTurnOff", { everything: true }, []]);
  assert.equal(r.recognize("turn off the everything lamp")?.slots.name, undefined, "a wildcard name never holds 'everything'");
});

test("custom intents from a YAML file join the built-in ones", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-intents-"));
  const file = join(dir, "coffee.yaml");
  writeFileSync(
    file,
    [
      "language: en",
      "intents:",
      "  orderDrink:",
      "    data:",
      "      - sentences: ['[<please>] [i would like] [a] [{size}] {coffeeDrink} [with {shots} shots]']",
      "        slots: { domain: coffee }",
      "    action:",
      "      mqtt: { topic: kitchen/coffee/order }",
      "    response: 'One {{ slots.coffeeDrink }} coming up'",
      "  playOnRadio:",
      "    data:",
      "      - sentences: ['play {song} on the radio']",
      "  HassTurnOn:",
      "    data:",
      "      - sentences: ['wake up the house']",
      "lists:",
      "  size: { values: [small, { in: twelve ounce, out: 12oz }] }",
      "  coffeeDrink: { values: [latte, { in: iced coffee, out: iced_coffee }] }",
      "  shots: { range: { from: 1, to: 4 } }",
      "  song: { wildcard: true }",
      "expansion_rules:",
      "  please: '[could you]'",
      "",
    ].join("\n"),
  );
  const r = new IntentRecognizer(buildSentenceSet(home(), [loadCustomIntents(file)]));
  const order = r.recognize("I would like a twelve ounce iced coffee with two shots");
  assert.equal(order?.intent, "orderDrink");
  assert.deepEqual(order?.slots, { domain: "coffee", size: "12oz", coffeeDrink: "iced_coffee", shots: 2 });
  assert.equal(order?.response, "One {{ slots.coffeeDrink }} coming up");
  assert.deepEqual(order?.action, { mqtt: { topic: "kitchen/coffee/order", payload: "{{ slots | dump }}", qos: 1, retain: false } });
  assert.equal(r.recognize("latte")?.intent, "orderDrink");
  assert.equal(r.recognize("wake up the house")?.intent, "HassTurnOn");
  assert.equal(r.recognize("a large latte"), null, "large is not in the size list");
  const song = r.recognize("play The Office Theme on the radio");
  assert.deepEqual(song?.slots, { song: "The Office Theme" });
  assert.equal(song?.confidence, 1);

  writeFileSync(join(dir, "clash.yaml"), "intents:\n  x:\n    data:\n      - sentences: ['{area} x']\nlists:\n  area: { values: [attic] }\n");
  assert.throws(() => buildSentenceSet(home(), [loadCustomIntents(join(dir, "clash.yaml"))]), /clash\.yaml: lists\.area: clashes with a built-in list/);
});

test("the live recognizer follows the registry's names", () => {
  const registry = home();
  const live = new LiveIntentRecognizer(registry);
  assert.equal(live.recognize("turn on the desk fan")?.confidence, 0.5);
  registry.upsert(entity("fan.desk", { name: "Desk Fan", area: "Bedroom" }));
  const fan = live.recognize("turn on the desk fan");
  assert.deepEqual(fan?.slots, { name: "Desk Fan" });
  assert.equal(fan?.confidence, 1);
  const before = live.current();
  registry.setState("fan.desk", "on");
  assert.equal(live.current(), before, "a state change does not rebuild the sentence set");
  live.close();
});

test("the live recognizer rebuilds once after a burst of name changes, and a confident command never waits for it", async () => {
  const registry = home();
  const live = new LiveIntentRecognizer(registry);
  const first = live.current();
  for (let i = 0; i < 50; i++) registry.upsert(entity(`switch.plug_${i}`, { name: `Plug ${i}`, area: "Bedroom" }));
  // A command the previous sentence set understands fully is answered by it: no rebuild on the path
  // (a rebuild reads the registry's entities).
  const all = registry.all.bind(registry);
  let reads = 0;
  registry.all = () => (reads++, all());
  assert.equal(live.recognize("turn on the bedroom lamp")?.confidence, 1);
  assert.equal(reads, 0);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const rebuilt = live.current();
  assert.notEqual(rebuilt, first, "rebuilt in the background after the burst");
  assert.deepEqual(live.recognize("turn on plug 49")?.slots, { name: "Plug 49" });
  assert.equal(live.current(), rebuilt, "one rebuild for the whole burst");
  live.close();
});

test("a light discovered a moment ago is meant by its name, not read as 'every light' by the previous sentence set", () => {
  const registry = home();
  const live = new LiveIntentRecognizer(registry);
  live.current();
  registry.upsert(entity("light.bulb", { name: "bulb" }));
  assert.deepEqual(live.recognize("turn off the bulb")?.slots, { name: "bulb" });
  live.close();
});

test("a text far longer than any command is not recognised", () => {
  const r = recognizer();
  assert.equal(r.recognize("turn on the " + "very ".repeat(200) + "bright kitchen ceiling"), null);
});
