import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { UnsupportedActionError } from "../../../devices/commands/action.ts";
import { commandSupport, encodeAction } from "../../../devices/commands/encode.ts";
import { DISCOVERY_DIR, entityFromDiscovery, makeEntity, SHARED_ABSENT } from "../../helpers/discovery-fixtures.ts";

test("commandSupport over every real discovery payload: commandable components ok, state-only ones read-only", (t) => {
  if (SHARED_ABSENT) return t.skip(SHARED_ABSENT);
  const expected: Record<string, boolean> = {
    "07_shelly1-gen1_via-shellies-discovery_switch-relay.json": true,
    "11_z2m-2.12.1_ikea-bulb_light-json-schema.json": true,
    "12_z2m-2.12.1_wall-switch_switch-left.json": true,
    "14_z2m-2.12.1_tuya-trv_climate.json": true,
    "15_z2m-2.12.1_smart-vent_cover.json": true,
    "16_z2m-2.12.1_ceiling-fan_fan.json": true,
    "18_z2m-2.12.1_group_light.json": true,
  };
  // Files published on HA discovery topics (Tasmota's native discovery files are not HA configs).
  const files = readdirSync(DISCOVERY_DIR).filter((f) => f.endsWith(".json") && !f.includes("native-discovery"));
  assert.ok(files.length >= 15, `expected the shared discovery files, found ${files.length}`);
  for (const file of files) {
    const support = commandSupport(entityFromDiscovery(file));
    assert.equal(support.ok, expected[file] ?? false, `${file}: ${JSON.stringify(support)}`);
    if (!support.ok) assert.match(support.reason, /state-only/, file);
  }
});

test("commandSupport names the missing command topic or the template hearth cannot use", () => {
  assert.deepEqual(commandSupport(makeEntity("switch", "s", { state_topic: "s/state" })), {
    ok: false,
    reason: "no command topic (command_topic) in its discovery config",
  });
  const broken = commandSupport(makeEntity("light", "l", { command_topic: "l/set", brightness_command_topic: "l/b", brightness_command_template: "{{ value | " }));
  assert.equal(broken.ok, false);
  assert.match((broken as { reason: string }).reason, /^brightness_command_template: cannot use template/);
  const unknownFilter = commandSupport(makeEntity("select", "s", { command_topic: "s/set", options: ["a"], command_template: "{{ value | no_such_filter }}" }));
  assert.deepEqual(unknownFilter, { ok: false, reason: `command_template: cannot use template "{{ value | no_such_filter }}": no filter named 'no_such_filter'` });
  // HA's regex filters are supported.
  assert.deepEqual(commandSupport(makeEntity("select", "s", { command_topic: "s/set", options: ["a"], command_template: "{{ value | regex_replace('a', 'b') }}" })), { ok: true });
  const haFunction = commandSupport(makeEntity("number", "n", { command_topic: "n/set", command_template: "{{ states('sensor.x') }}" }));
  assert.equal(haFunction.ok, false);
  assert.match((haFunction as { reason: string }).reason, /'states' is undefined and cannot be called/);
  assert.deepEqual(commandSupport(makeEntity("light", "t", { schema: "template", command_topic: "t/set", command_on_template: "on" })), {
    ok: false,
    reason: "a template-schema light needs command_off_template",
  });
  assert.deepEqual(commandSupport(makeEntity("cover", "c", { set_position_topic: "c/pos" })), { ok: true });
  assert.deepEqual(commandSupport({ ...makeEntity("light", "f", {}), config: undefined }), { ok: false, reason: "no MQTT discovery config (fixtures-only entity)" });
});

test("an RGB hex template with Jinja's format filter is usable", () => {
  const strip = makeEntity("light", "l", { command_topic: "l/set", rgb_command_topic: "l/rgb", rgb_command_template: "{{ '%02x%02x%02x' | format(red, green, blue) }}" });
  assert.deepEqual(commandSupport(strip), { ok: true });
  assert.deepEqual(encodeAction(strip, { type: "light_set", rgb: [255, 128, 0] }), [
    { topic: "l/rgb", payload: "ff8000", qos: 0, retain: false },
    { topic: "l/set", payload: "ON", qos: 0, retain: false },
  ]);
});

test("encodeAction refuses state-only components and fixtures-only entities with UnsupportedActionError", () => {
  const sensor = makeEntity("sensor", "temp", { state_topic: "t" });
  assert.throws(() => encodeAction(sensor, { type: "turn_on" }), (e: Error) =>
    e instanceof UnsupportedActionError && e.message === "sensor.temp: cannot turn_on: hearth cannot command sensor entities");
  const fixture = { ...makeEntity("light", "kitchen", {}), config: undefined };
  assert.throws(() => encodeAction(fixture, { type: "turn_on" }), /light\.kitchen: cannot turn_on: it has no MQTT discovery config/);
  const badQos = makeEntity("switch", "q", { command_topic: "q/set", qos: 3 });
  assert.throws(() => encodeAction(badQos, { type: "turn_on" }), /config field qos must be 0, 1 or 2, got 3/);
  const badTemplate = makeEntity("switch", "t", { command_topic: "t/set", command_template: "{% if %}" });
  assert.throws(() => encodeAction(badTemplate, { type: "turn_on" }), /switch\.t: cannot turn_on: command_template: cannot use template/);
});
