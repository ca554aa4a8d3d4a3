import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../../../agent/config/load.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function errorsOf(yamlText: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), "hearth-rules-")), "rules.yaml");
  writeFileSync(file, yamlText);
  try {
    loadConfig(file);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.file, file);
    return err.errors;
  }
  assert.fail("expected the config to be rejected");
}

test("examples/rules.yaml loads, normalised", () => {
  const config = loadConfig(join(repo, "examples/rules.yaml"));
  assert.deepEqual(config.location, { latitude: 52.37, longitude: 4.9, time_zone: "Europe/Amsterdam" });
  assert.deepEqual(config.rules.map((r) => r.trigger.kind), ["entered", "vacated", "count", "dwell"]);
  const [lamp, kitchen, party, sofa] = config.rules;
  assert.deepEqual(lamp!.conditions[0], { kind: "sun", sun: "below_horizon", offset_ms: -20 * 60_000 });
  assert.deepEqual(lamp!.conditions[1], { kind: "entity", entity: "light.living_room_lamp", states: ["off"] });
  assert.equal(lamp!.cooldown_ms, 5 * 60_000);
  assert.deepEqual(kitchen!.trigger, { kind: "vacated", area: "Kitchen", label: "person", for_ms: 600_000 });
  assert.equal(kitchen!.manual_suspend_ms, 3_600_000);
  assert.deepEqual(party!.conditions[0], { kind: "time", after_s: 19 * 3600, before_s: 2 * 3600 });
  assert.deepEqual(party!.actions[0], {
    kind: "mqtt",
    message: { topic: "zigbee2mqtt/living_room_strip/set", payload: '{"state":"ON","color":{"r":255,"g":0,"b":180},"brightness":200}', qos: 1, retain: false },
  });
  assert.deepEqual(sofa!.trigger, { kind: "dwell", area: "Living Room", zone: "sofa", camera: undefined, label: "person", at_least_ms: 1_200_000 });
  assert.equal(sofa!.manual_suspend_ms, 30 * 60_000, "default manual_suspend");
});

test("invalid rules: every error is reported with its path", () => {
  const errors = errorsOf(`
rules:
  - id: kitchen
    trigger: { vacated: Kitchen, for: 10 minuts }
    conditions:
      - { sun: below, offst: 1 }
      - { after: "25:00" }
      - { entity: Light, state: "off" }
      - {}
    actions: []
  - id: count
    trigger: { count: Kitchen, at_least: 0 }
    actions:
      - mqtt: { topic: "a/#", qos: 3 }
      - { intent: 3 }
  - id: Bad Id
    trigger: someone enters
    actions: [{ scene: party }]
    cooldown: 5
`);
  assert.deepEqual(errors, [
    'rules.0.trigger.for: unknown unit "minuts" in "10 minuts" (use ms, s, min, h or d)',
    'rules.0.conditions.0.sun: Invalid option: expected one of "below_horizon"|"above_horizon"',
    "rules.0.conditions.0.offst: unknown key",
    'rules.0.conditions.1.after: not a time of day: "25:00" (expected HH:MM or HH:MM:SS, 24-hour)',
    "rules.0.conditions.2.entity: expected an entity id such as light.living_room_lamp",
    "rules.0.conditions.3: unknown condition: expected one of the keys sun, entity, after, before (got an empty object)",
    "rules.0.actions: a rule needs at least one action",
    "rules.1.trigger.at_least: Too small: expected number to be >=1",
    "rules.1.actions.0.mqtt.topic: a publish topic cannot contain the wildcards + or #",
    "rules.1.actions.0.mqtt.qos: expected 0, 1 or 2",
    "rules.1.actions.1.intent: Invalid input: expected string, received number",
    "rules.2.id: lower-case letters, digits, _ and - only",
    "rules.2.trigger: expected a trigger: an object with one of the keys occupied, vacated, entered, count, dwell",
    "rules.2.actions.0: unknown action: expected one of the keys intent, mqtt (got scene)",
    'rules.2.cooldown: expected a duration such as "10 minutes"',
  ]);
});

test("duplicate rule ids, equal window bounds and an unknown time zone are rejected with paths", () => {
  const errors = errorsOf(`
location: { latitude: 52.37, longitude: 4.9, time_zone: Europe/Amsterdm }
rules:
  - id: lamp
    trigger: { occupied: Hall }
    actions: [{ intent: HassTurnOn, slots: { area: Hall } }]
  - id: lamp
    trigger: { occupied: Hall, for: 0s }
    conditions: [{ after: "08:00", before: "08:00" }]
    actions: [{ intent: HassTurnOff }]
`);
  assert.deepEqual(errors, [
    "location.time_zone: unknown IANA time zone (e.g. Europe/Amsterdam)",
    'rules.1.trigger.for: must be more than zero (got "0s")',
    "rules.1.conditions.0.before: after and before must differ",
  ]);
  const duplicate = errorsOf(`
rules:
  - { id: lamp, trigger: { occupied: Hall }, actions: [{ intent: HassTurnOn }] }
  - { id: lamp, trigger: { vacated: Hall }, actions: [{ intent: HassTurnOff }] }
`);
  assert.deepEqual(duplicate, ['rules.1.id: duplicate rule id "lamp" (first at rules.0)']);
});
